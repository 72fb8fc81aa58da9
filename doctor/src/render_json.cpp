// The report as JSON: {"exit": N, "causes": [ids], "findings": [...], "unchecked": [...]}.
#include <nlohmann/json.hpp>

#include "maillab/doctor/doctor.hpp"
#include "seed_quotes.hpp"

namespace maillab::doctor {
namespace {

const char* severity_name(Severity s) {
  switch (s) {
    case Severity::Ok: return "ok";
    case Severity::Note: return "note";
    case Severity::Problem: return "problem";
    case Severity::Unchecked: return "unchecked";
  }
  return "";
}

nlohmann::json quotes(Cause cause) {
  auto q = seed_quote(cause);
  nlohmann::json out = nlohmann::json::object();
  if (*q.de) out["de"] = {{"seed", q.de_seed}, {"text", q.de}};
  if (*q.ja) out["ja"] = {{"seed", q.ja_seed}, {"text", q.ja}};
  return out;
}

const char* stage_name(Stage s) { return s == Stage::Download ? "download" : s == Stage::Cdo ? "cdo" : "smtp"; }

}  // namespace

std::string render_json(const Report& report, Lang lang) {
  nlohmann::json findings = nlohmann::json::array();
  for (const auto& f : report.findings) {
    const auto& c = info(f.cause);
    findings.push_back({{"stage", stage_name(c.stage)}, {"stage_title", stage_title(c.stage, lang)}, {"step", c.step}, {"cause_id", c.id},
                        {"severity", severity_name(f.severity)}, {"summary", f.summary}, {"evidence", f.evidence},
                        {"cause", c.cause_text}, {"remedy", c.remedy},
                        {"seed_quotes", quotes(f.cause)}});
  }
  nlohmann::json causes = nlohmann::json::array();
  for (auto c : report.causes()) causes.push_back(info(c).id);
  nlohmann::json out{{"exit", report.exit_code()}, {"causes", causes}, {"findings", findings},
                     {"unchecked", report.unchecked}};
  return out.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
}

}  // namespace maillab::doctor
