#include "maillab/base/files.hpp"
#include "maillab/faults/fault_spec.hpp"

#include <algorithm>
#include <charconv>

#include "maillab/faults/fault_registry.hpp"
#include "maillab/faults/fault_yaml.hpp"

namespace maillab::faults {

// ---- presets -----------------------------------------------------------------------

void PresetRegistry::add(Preset preset) { presets_.push_back(std::move(preset)); }

const Preset* PresetRegistry::find(std::string_view name) const {
  for (auto& p : presets_)
    if (p.name == name) return &p;
  return nullptr;
}

// ---- primitives --------------------------------------------------------------------

namespace {

Trigger take_trigger(FaultParams& p) {
  Trigger t;
  t.verb = p.take_or("on", "*");
  if (t.verb.empty()) p.fail("on", "must name a command, 'connect', '.' or '*'");
  t.message = static_cast<int>(p.take_count("message", 0));
  t.user = p.take_or("user", "");
  t.sender = p.take_or("sender", "");
  t.recipient = p.take_or("rcpt", "");
  if (p.has("nth")) {
    t.nth = p.take_count("nth", 0);
    if (*t.nth == 0) p.fail("nth", "counts from 1");
  }
  if (p.has("times")) t.times = p.take_count("times", 0);
  if (auto prob = p.take("probability")) {
    double value = -1;
    auto [end, ec] = std::from_chars(prob->data(), prob->data() + prob->size(), value);
    if (ec != std::errc{} || end != prob->data() + prob->size() || value < 0.0 || value > 1.0)
      p.fail("probability", "must be a number from 0 to 1, not '" + *prob + "'");
    t.probability = value;
  }
  t.seed = p.take_count("seed", 1);
  return t;
}

std::unique_ptr<Fault> build_primitive(std::string_view name, FaultParams& p) {
  const KindSpec* kind = fault_kinds().find(name);
  if (!kind) return nullptr;
  Trigger t = take_trigger(p);
  return kind->make(std::move(t), KindRegistry::take_args(*kind, p));
}

constexpr std::string_view kTriggerKeys[] = {"on", "message", "user", "sender", "rcpt", "nth", "times", "probability", "seed"};

// Splits "NAME[:ARG],k=v,..." into its name and parameters.
std::string split_spec(std::string_view spec, FaultParams& params, std::string& arg) {
  std::string where = params.where();
  auto comma = spec.find(',');
  std::string_view head = spec.substr(0, comma);
  std::string_view rest = comma == std::string_view::npos ? std::string_view{} : spec.substr(comma + 1);
  auto colon = head.find(':');
  std::string name(head.substr(0, colon));
  if (colon != std::string_view::npos) arg = std::string(head.substr(colon + 1));
  if (name.empty()) throw SpecError(where + ": the fault has no name");
  while (!rest.empty()) {
    auto eq = rest.find('=');
    if (eq == std::string_view::npos) throw SpecError(where + ": '" + std::string(rest) + "' is not KEY=VALUE");
    std::string key(rest.substr(0, eq));
    std::string_view value;
    if (fault_kinds().takes_rest(key)) {
      value = rest.substr(eq + 1);
      rest = {};
    } else {
      auto next = rest.find(',', eq);
      value = rest.substr(eq + 1, next == std::string_view::npos ? std::string_view::npos : next - eq - 1);
      rest = next == std::string_view::npos ? std::string_view{} : rest.substr(next + 1);
    }
    params.set(key, std::string(value), where);
  }
  return name;
}

}  // namespace

FaultList build_faults(std::string_view name, FaultParams& params, const PresetRegistry& presets) {
  FaultList out;
  if (const Preset* preset = presets.find(name)) {
    if (preset->build) {
      out = preset->build(params);
      params.check_all_used();
      return out;
    }
    for (const auto& prim : preset->primitives) {
      FaultParams merged(params.where());
      std::string ignored;
      std::string kind = split_spec(prim, merged, ignored);
      // The user's keys replace the preset's defaults for this primitive.
      FaultParams final_params(params.where());
      for (const auto& key : merged.keys()) {
        if (params.has(key)) continue;
        final_params.set(key, *merged.take(key), params.where());
      }
      for (const auto& key : params.keys()) {
        bool trigger_key = std::find(std::begin(kTriggerKeys), std::end(kTriggerKeys), key) != std::end(kTriggerKeys);
        if (merged.has(key) || trigger_key) final_params.set(key, *params.take(key), params.where(key));
      }
      auto f = build_primitive(kind, final_params);
      if (!f) throw SpecError(params.where() + ": preset '" + preset->name + "' names unknown kind '" + kind + "'");
      final_params.check_all_used();
      out.push_back(std::move(f));
    }
    params.check_all_used();
    return out;
  }
  auto f = build_primitive(name, params);
  if (!f) {
    std::string known_presets;
    for (auto& p : presets.all()) known_presets += (known_presets.empty() ? "" : ", ") + p.name;
    throw SpecError(params.where() + ": unknown fault '" + std::string(name) + "' in field 'fault' (kinds: " +
                    fault_kinds().names() + (known_presets.empty() ? "" : "; presets: " + known_presets) + ")");
  }
  params.check_all_used();
  out.push_back(std::move(f));
  return out;
}

static FaultList build_with_arg(const std::string& name, const std::string& arg, FaultParams& params,
                                const PresetRegistry& presets) {
  if (!arg.empty()) {
    const Preset* preset = presets.find(name);
    if (!preset || preset->positional.empty())
      throw SpecError(params.where() + ": fault '" + name + "' takes no ':" + arg + "' argument");
    params.set(preset->positional, arg, params.where());
  }
  return build_faults(name, params, presets);
}

FaultList parse_fault_spec(std::string_view spec, const PresetRegistry& presets, std::string_view where) {
  FaultParams params(std::string(where) + " '" + std::string(spec) + "'");
  std::string arg;
  std::string name = split_spec(spec, params, arg);
  return build_with_arg(name, arg, params, presets);
}

namespace {

FaultList fault_from_map(const yaml::Field& item, const PresetRegistry& presets) {
  auto at = [](const yaml::Field& f) { return f.source() + ":" + std::to_string(f.line()); };
  FaultParams params(at(item));
  std::string name, arg;
  for (const auto& [key, value] : item.entries()) {
    auto text = value.str();
    if (key == "fault" || key == "preset") {
      if (!name.empty()) value.fail("the fault is already named");
      name = text;
    } else if (key == "arg") {
      arg = text;
    } else {
      params.set(key, text, at(value));
    }
  }
  if (name.empty()) item["fault"].fail("every fault needs 'fault' or 'preset'");
  return build_with_arg(name, arg, params, presets);
}

FaultList faults_in(const yaml::Field& list, const PresetRegistry& presets) {
  FaultList out;
  for (const auto& item : list.items()) {
    FaultList some;
    if (item.is_scalar())
      some = parse_fault_spec(item.str(), presets, item.source() + ":" + std::to_string(item.line()) + ": fault");
    else if (item.is_map())
      some = fault_from_map(item, presets);
    else
      item.fail("a fault is a spec string or a map");
    for (auto& f : some) out.push_back(std::move(f));
  }
  return out;
}

}  // namespace

FaultList parse_fault_node(const yaml::Field& list, const PresetRegistry& presets) {
  return yaml::reading<SpecError>(list.source(), [&] { return faults_in(list, presets); });
}

FaultList parse_fault_yaml_text(std::string_view text, std::string_view source, const PresetRegistry& presets) {
  std::string name(source);
  return yaml::reading<SpecError>(name, [&] {
    auto root = yaml::load(text, name);
    if (!root.present()) return FaultList{};
    if (!root.is_map()) return faults_in(root, presets);
    root.only({"faults"});
    return root["faults"].present() ? faults_in(root["faults"], presets) : FaultList{};
  });
}

FaultList load_fault_file(const std::string& path, const PresetRegistry& presets) {
  auto text = read_file(path);
  if (!text) throw SpecError(path + ": cannot be read");
  return parse_fault_yaml_text(*text, path, presets);
}

}  // namespace maillab::faults
