// tls-certificate: the server shows a certificate with one problem a client checks for:
// expired, not yet valid, self-signed, made for another host name, or a new one each
// session (valid, but not the one a client pinned).
#include "maillab/faults/fault_registry.hpp"

namespace maillab::faults {
namespace {

using Certificate = TlsPlan::Certificate;

struct Problem {
  std::string_view name;
  Certificate certificate;
};
constexpr Problem kProblems[] = {
    {"expired", Certificate::Expired},         {"not-yet-valid", Certificate::NotYetValid},
    {"self-signed", Certificate::SelfSigned},  {"wrong-host", Certificate::WrongHost},
    {"new-each-session", Certificate::NewEachSession},
};

class TlsCertificate final : public Fault {
 public:
  TlsCertificate(Trigger t, Problem problem) : Fault(std::move(t)), problem_(problem) {}
  std::string_view kind() const override { return "tls-certificate"; }
  Layer layer() const override { return Layer::Tls; }
  void tls(TlsPlan& plan) const override { plan.certificate = problem_.certificate; }
  std::string parameters() const override { return "problem=" + std::string(problem_.name); }

 private:
  Problem problem_;
};

}  // namespace

void register_kind_tls_certificate(KindRegistry& kinds) {
  std::vector<std::string> names;
  for (const auto& p : kProblems) names.emplace_back(p.name);
  kinds.add({
      .name = "tls-certificate",
      .summary = "the TLS handshake shows a certificate with this problem (signed by the server's CA unless "
                 "self-signed)",
      .layer = Layer::Tls,
      .params = {{.name = "problem", .type = ParamType::Choice, .required = true, .choices = names}},
      .example = "tls-certificate,problem=expired",
      .make = [](Trigger t, const KindArgs& a) {
        for (const auto& p : kProblems)
          if (p.name == a.text("problem")) return std::make_unique<TlsCertificate>(std::move(t), p);
        return std::make_unique<TlsCertificate>(std::move(t), kProblems[0]);  // unreachable: a Choice
      },
  });
}

}  // namespace maillab::faults
