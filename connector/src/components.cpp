#include "maillab/connector/components.hpp"

#include "maillab/base/codec.hpp"

namespace maillab::connector {
namespace {

constexpr std::string_view kSignature = "signature: ";

std::string_view role(std::string_view name) {
  if (name == "Inetcomm.dll") return "MIME message objects (IMimeMessage): opens and parses message files";
  if (name == "Inetres.dll") return "MIME resources: character sets and header names";
  if (name == "Msdart.dll") return "data access runtime";
  if (name == "Msoert2.dll") return "Outlook Express runtime: streams and address parsing";
  return "OLE DB core services";
}

void install(FileSystem& fs, const std::string& dir) {
  if (!fs.is_dir(dir)) fs.make_dir(dir);
  for (auto name : kMimeComponents) fs.replace(dir + "/" + std::string(name), component_image(name), true);
}

// Why `image` (of component `name`) cannot be loaded, if it cannot.
std::optional<std::string> damage(std::string_view name, const std::string& image) {
  auto at = image.rfind(kSignature);
  bool intact = at != std::string::npos && image.ends_with("\r\n") &&
                image.substr(at + kSignature.size(), image.size() - at - kSignature.size() - 2) ==
                    md5_hex(std::string_view(image).substr(0, at));
  if (intact) return std::nullopt;
  return std::string(name) + " is damaged (its contents do not match its signature)";
}

}  // namespace

std::string component_image(std::string_view name) {
  std::string body = "MZ maillab component " + std::string(name) + " 6.0.3790.1830\r\n" + std::string(role(name)) +
                     "\r\n";
  return body + std::string(kSignature) + md5_hex(body) + "\r\n";
}

void register_components(FileSystem& fs, const Folders& folders) { install(fs, folders.components()); }

std::optional<std::string> load_components(FileSystem& fs, const Folders& folders) {
  const auto dir = folders.components();
  if (!fs.is_dir(dir)) {
    const auto staging = folders.root + "/." + std::string(kComponentsFolder) + ".setup";
    install(fs, staging);
    fs.move(staging, dir);
  }
  for (auto name : kMimeComponents) {
    const auto path = dir + "/" + std::string(name);
    std::optional<std::string> why;
    try {
      why = fs.exists(path) ? damage(name, fs.read(path)) : std::string(name) + " is missing";
    } catch (const FsError& e) {
      why = std::string(name) + " cannot be read (" + e.what() + ")";
    }
    if (why) return "the MIME component " + *why + ": replace it from the Windows Small Business Server 2003 CD "
                    "and register it with regsvr32";
  }
  return std::nullopt;
}

}  // namespace maillab::connector
