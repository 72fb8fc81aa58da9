#pragma once
// Every reply constant of the simulators by name ("LogonOk" for pop3::reply::kLogonOk);
// the table is generated at build time (python/CMakeLists.txt).
#include <string_view>
#include <utility>
#include <vector>

namespace maillab::python {

const std::vector<std::pair<std::string_view, std::string_view>>& pop3_replies();
const std::vector<std::pair<std::string_view, std::string_view>>& smtp_replies();

}  // namespace maillab::python
