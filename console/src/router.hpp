#pragma once
// Method + path pattern -> handler. Patterns are "/api/faults/{id}": a segment in braces
// matches any one segment and is handed to the handler by name. A path that matches no
// pattern is 404, one that matches with another method 405 (with Allow); errors a handler
// throws become JSON with the status they carry.
#include <functional>
#include <map>
#include <stdexcept>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "maillab/console/api.hpp"

namespace maillab::console {

using json = nlohmann::json;

// An error the client made (or a conflict): the status and the text, as JSON.
struct ApiError : std::runtime_error {
  ApiError(int s, const std::string& what, std::string f = {}) : std::runtime_error(what), status(s), field(std::move(f)) {}
  int status;
  std::string field;  // the body field or parameter at fault, when one is
};

struct Call {
  std::map<std::string, std::string> path;   // {id} -> value
  std::map<std::string, std::string> query;  // ?k=v
  json body;                                 // null when the request had none
  const std::string& param(const std::string& name) const { return path.at(name); }
  // A query parameter, or `fallback`.
  std::string query_or(const std::string& name, const std::string& fallback = {}) const;
  // A body field of the given kind; throws ApiError 400 naming it when absent or mistyped.
  std::string text(const std::string& field) const;
  std::string text_or(const std::string& field, const std::string& fallback) const;
  std::uint64_t count(const std::string& field) const;
};

using Handler = std::function<Response(const Call&)>;

Response json_response(int status, const json& body);
Response error_response(int status, const std::string& message, const std::string& field = {});

class Router {
 public:
  void add(std::string method, std::string pattern, Handler handler);
  Response dispatch(const Request& request) const;
  std::vector<std::string> routes() const;

 private:
  struct Route {
    std::string method;
    std::string pattern;
    std::vector<std::string> segments;
    Handler handler;
  };
  std::vector<Route> routes_;
};

// "%2F" -> "/", "+" stays "+" (paths), "a=b&c" -> {a: b, c: ""}.
std::string percent_decode(std::string_view text);
std::map<std::string, std::string> parse_query(std::string_view query);
std::vector<std::string> split_path(std::string_view path);

}  // namespace maillab::console
