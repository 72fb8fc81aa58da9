// The report a person reads: the KB's stages in its order, each finding with its step,
// evidence, cause and remedy.
#include <fmt/format.h>

#include "maillab/doctor/doctor.hpp"
#include "seed_quotes.hpp"

namespace maillab::doctor {
namespace {

const char* label(Severity s) {
  switch (s) {
    case Severity::Ok: return "ok";
    case Severity::Note: return "note";
    case Severity::Problem: return "PROBLEM";
    case Severity::Unchecked: return "could not check";
  }
  return "";
}

// A passed check shows a few lines of what it read; a problem shows all its evidence.
constexpr std::size_t kOkEvidence = 3;

// --lang de|ja: the seed's own words for the step, where the seed has them in that language.
void quote_text(std::string& out, Cause cause, Lang lang) {
  auto q = seed_quote(cause);
  if (lang == Lang::De && *q.de) out += fmt::format("    {}: \"{}\"\n", q.de_seed, q.de);
  if (lang == Lang::Ja && *q.ja) out += fmt::format("    {}: 「{}」\n", q.ja_seed, q.ja);
}

void finding_text(std::string& out, const Finding& f, Lang lang) {
  const auto& c = info(f.cause);
  out += fmt::format("  [{}] {}: {}\n", label(f.severity), c.step, f.summary);
  const bool all = f.severity != Severity::Ok || f.evidence.size() <= kOkEvidence + 1;
  for (std::size_t i = 0; i < f.evidence.size() && (all || i < kOkEvidence); ++i)
    out += fmt::format("      {}\n", f.evidence[i]);
  if (!all) out += fmt::format("      ... ({} more lines; --json has them all)\n", f.evidence.size() - kOkEvidence);
  if (f.severity != Severity::Problem) return;
  out += fmt::format("    cause ({}): {}\n", c.id, c.cause_text);
  out += fmt::format("    remedy: {}\n", c.remedy);
  quote_text(out, f.cause, lang);
}

std::string verdict(const Report& r) {
  std::string ids;
  for (auto c : r.causes()) ids += (ids.empty() ? "" : ", ") + std::string(info(c).id);
  switch (r.exit_code()) {
    case 0: return "healthy: no documented cause found\n";
    case 1: return fmt::format("problem: {}\n", ids);
    default: return "could not check everything; no documented cause found in what was checked\n";
  }
}

}  // namespace

std::string render_text(const Report& report, Lang lang) {
  std::string out = "maillab doctor: KB 885685 (\"How to troubleshoot the POP3 Connector in Windows Small Business "
                    "Server 2003\"), seed 002, seed 004\n";
  for (auto stage : {Stage::Download, Stage::Cdo, Stage::Smtp}) {
    bool any = false;
    for (const auto& f : report.findings) {
      if (info(f.cause).stage != stage) continue;
      if (!any) out += "\n" + stage_title(stage, lang) + "\n";
      any = true;
      finding_text(out, f, lang);
    }
  }
  if (!report.unchecked.empty()) out += "\nNot checked:\n";
  for (const auto& u : report.unchecked) out += "  " + u + "\n";
  return out + "\n" + verdict(report);
}

}  // namespace maillab::doctor
