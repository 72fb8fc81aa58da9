#include "router.hpp"

#include <algorithm>

#include "maillab/faults/fault_params.hpp"

namespace maillab::console {

std::string percent_decode(std::string_view text) {
  std::string out;
  for (std::size_t i = 0; i < text.size(); ++i) {
    auto hex = [](char c) -> int {
      if (c >= '0' && c <= '9') return c - '0';
      if (c >= 'a' && c <= 'f') return c - 'a' + 10;
      if (c >= 'A' && c <= 'F') return c - 'A' + 10;
      return -1;
    };
    if (text[i] == '%' && i + 2 < text.size() && hex(text[i + 1]) >= 0 && hex(text[i + 2]) >= 0) {
      out += static_cast<char>(hex(text[i + 1]) * 16 + hex(text[i + 2]));
      i += 2;
    } else {
      out += text[i];
    }
  }
  return out;
}

std::vector<std::string> split_path(std::string_view path) {
  std::vector<std::string> out;
  std::size_t start = 0;
  while (start <= path.size()) {
    auto slash = path.find('/', start);
    auto end = slash == std::string_view::npos ? path.size() : slash;
    if (end > start) out.push_back(percent_decode(path.substr(start, end - start)));
    if (slash == std::string_view::npos) break;
    start = slash + 1;
  }
  return out;
}

std::map<std::string, std::string> parse_query(std::string_view query) {
  std::map<std::string, std::string> out;
  while (!query.empty()) {
    auto amp = query.find('&');
    auto pair = query.substr(0, amp);
    auto eq = pair.find('=');
    if (!pair.empty())
      out[percent_decode(pair.substr(0, eq))] = eq == std::string_view::npos ? "" : percent_decode(pair.substr(eq + 1));
    query = amp == std::string_view::npos ? std::string_view{} : query.substr(amp + 1);
  }
  return out;
}

namespace {

bool match(const std::vector<std::string>& pattern, const std::vector<std::string>& path,
           std::map<std::string, std::string>& params) {
  if (pattern.size() != path.size()) return false;
  for (std::size_t i = 0; i < pattern.size(); ++i) {
    const auto& p = pattern[i];
    if (p.size() > 2 && p.front() == '{' && p.back() == '}')
      params[p.substr(1, p.size() - 2)] = path[i];
    else if (p != path[i])
      return false;
  }
  return true;
}

json parse_body(const std::string& body) {
  if (body.find_first_not_of(" \t\r\n") == std::string::npos) return nullptr;
  try {
    return json::parse(body);
  } catch (const json::parse_error& e) {
    throw ApiError(400, std::string("body: malformed JSON: ") + e.what(), "body");
  }
}

Response run(const Handler& handler, const Call& call) {
  try {
    return handler(call);
  } catch (const ApiError& e) {
    return error_response(e.status, e.what(), e.field);
  } catch (const faults::SpecError& e) {
    return error_response(400, e.what(), "spec");
  } catch (const std::invalid_argument& e) {
    return error_response(400, e.what());
  } catch (const std::exception& e) {
    return error_response(500, e.what());
  }
}

}  // namespace

std::string Call::query_or(const std::string& name, const std::string& fallback) const {
  auto it = query.find(name);
  return it == query.end() ? fallback : it->second;
}

std::string Call::text(const std::string& field) const {
  if (!body.is_object() || !body.contains(field))
    throw ApiError(400, "body: field '" + field + "': required", field);
  if (!body[field].is_string()) throw ApiError(400, "body: field '" + field + "': must be a string", field);
  return body[field].get<std::string>();
}

std::string Call::text_or(const std::string& field, const std::string& fallback) const {
  if (!body.is_object() || !body.contains(field)) return fallback;
  return text(field);
}

std::uint64_t Call::count(const std::string& field) const {
  if (!body.is_object() || !body.contains(field))
    throw ApiError(400, "body: field '" + field + "': required", field);
  if (!body[field].is_number_unsigned())
    throw ApiError(400, "body: field '" + field + "': must be a whole number", field);
  return body[field].get<std::uint64_t>();
}

Response json_response(int status, const json& body) {
  Response r;
  r.status = status;
  r.body = body.dump(-1, ' ', false, json::error_handler_t::replace);
  return r;
}

Response error_response(int status, const std::string& message, const std::string& field) {
  json body{{"error", message}, {"status", status}};
  if (!field.empty()) body["field"] = field;
  return json_response(status, body);
}

void Router::add(std::string method, std::string pattern, Handler handler) {
  auto segments = split_path(pattern);
  routes_.push_back(Route{std::move(method), std::move(pattern), std::move(segments), std::move(handler)});
}

Response Router::dispatch(const Request& request) const {
  std::string_view target = request.target;
  auto question = target.find('?');
  auto path = split_path(target.substr(0, question));
  Call call;
  if (question != std::string_view::npos) call.query = parse_query(target.substr(question + 1));
  std::vector<std::string> allowed;
  for (const auto& route : routes_) {
    std::map<std::string, std::string> params;
    if (!match(route.segments, path, params)) continue;
    if (route.method != request.method) {
      allowed.push_back(route.method);
      continue;
    }
    call.path = std::move(params);
    try {
      call.body = parse_body(request.body);
    } catch (const ApiError& e) {
      return error_response(e.status, e.what(), e.field);
    }
    return run(route.handler, call);
  }
  std::string path_text(target.substr(0, question));
  if (allowed.empty()) return error_response(404, "no resource " + path_text + " (GET /api lists them)");
  std::string allow;
  for (const auto& m : allowed) allow += (allow.empty() ? "" : ", ") + m;
  auto r = error_response(405, request.method + " is not allowed on " + path_text + " (allowed: " + allow + ")");
  r.headers.emplace_back("Allow", allow);
  return r;
}

std::vector<std::string> Router::routes() const {
  std::vector<std::string> out;
  for (const auto& r : routes_) out.push_back(r.method + " " + r.pattern);
  return out;
}

}  // namespace maillab::console
