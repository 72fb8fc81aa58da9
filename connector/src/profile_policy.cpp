#include "profile_policy.hpp"

namespace maillab::connector {

std::unique_ptr<ProfilePolicy> make_policy(const Config& config, Services& services) {
  switch (config.profile) {
    case Profile::Sbs2003: return make_sbs2003_policy(config, services);
    case Profile::Robust: return make_robust_policy(config, services);
  }
  return make_robust_policy(config, services);
}

}  // namespace maillab::connector
