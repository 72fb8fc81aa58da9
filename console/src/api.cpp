#include "maillab/console/api.hpp"

#include "event_feed.hpp"
#include "routes.hpp"
#include "web_assets.hpp"

namespace maillab::console {

struct Api::Impl {
  Impl(Targets t, ApiOptions o) : targets(std::move(t)), options(std::move(o)), feed(options.events_kept) {}
  Targets targets;
  ApiOptions options;
  EventFeed feed;
  Router router;
};

namespace {

// The web console's page and files; nullptr for anything else.
const WebAsset* web_asset(const Request& request) {
  if (request.method != "GET" && request.method != "HEAD") return nullptr;
  std::string_view path = request.target;
  path = path.substr(0, path.find('?'));
  if (path == "/" || path == "/console" || path == "/console/") path = "/console/index.html";
  for (const auto& asset : web_assets())
    if (asset.path == path) return &asset;
  return nullptr;
}

// The header, or, for the stream alone, ?access_token= (RFC 6750, section 2.3): a browser's
// EventSource cannot send a header, and the console would otherwise have to poll.
bool authorized(const ApiOptions& options, const Request& request) {
  if (options.token.empty() || request.authorization == "Bearer " + options.token) return true;
  std::string_view target = request.target;
  auto q = target.find('?');
  if (request.method != "GET" || q == std::string_view::npos || target.substr(0, q) != "/api/stream") return false;
  auto query = parse_query(target.substr(q + 1));
  auto it = query.find("access_token");
  return it != query.end() && it->second == options.token;
}

void add_core_routes(Router& router, const Targets& targets) {
  router.add("GET", "/api", [&router](const Call&) {
    json routes = json::array();
    for (const auto& r : router.routes()) routes.push_back(r);
    return json_response(200, json{{"routes", routes}});
  });
  router.add("GET", "/api/status", [&targets](const Call&) { return json_response(200, status_of(targets)); });
  router.add("GET", "/api/stream", [](const Call&) {
    Response r;
    r.stream = true;
    r.content_type = "text/event-stream";
    return r;
  });
}

}  // namespace

Api::Api(Targets targets, ApiOptions options) : impl_(std::make_unique<Impl>(std::move(targets), std::move(options))) {
  Context context{impl_->targets, impl_->feed};
  add_core_routes(impl_->router, impl_->targets);
  add_fault_routes(impl_->router, context);
  if (impl_->targets.pop3) add_mailbox_routes(impl_->router, context);
  if (impl_->targets.smtp) add_smtp_routes(impl_->router, context);
  add_lab_routes(impl_->router, context);
  if (!impl_->targets.scenarios_dir.empty()) add_scenario_routes(impl_->router, context);
}

Api::~Api() = default;

Response Api::handle(const Request& request) {
  if (const auto* asset = web_asset(request)) {
    Response r;
    r.body = std::string(asset->body);
    r.content_type = std::string(asset->content_type);
    return r;
  }
  if (!authorized(impl_->options, request)) {
    auto r = error_response(401, "a bearer token is required (Authorization: Bearer TOKEN, as given to --http-token)");
    r.headers.emplace_back("WWW-Authenticate", "Bearer");
    return r;
  }
  return impl_->router.dispatch(request);
}

std::vector<std::string> Api::routes() const { return impl_->router.routes(); }

std::string Api::stream_poll(StreamCursor& cursor) {
  std::string out;
  for (const auto& item : impl_->feed.since(cursor.seq)) {
    out += sse(item.type, item.json, item.seq);
    cursor.seq = item.seq;
  }
  auto status = status_of(impl_->targets).dump();
  if (status != cursor.status) {
    out += sse("status", status);
    cursor.status = std::move(status);
  }
  return out;
}

void Api::publish(std::string_view type, std::string_view json) { impl_->feed.publish(type, json); }

}  // namespace maillab::console
