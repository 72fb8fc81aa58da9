// /api/mailboxes: the POP3 server's maildrops (the ISP side) and their messages, through
// Mailboxes and Maildrop's in-process API, so a session sees a change at its next lock.
#include <cstdio>
#include <set>

#include "maillab/base/units.hpp"
#include "maillab/pop3/maildrop.hpp"
#include "routes.hpp"

namespace maillab::console {
namespace {

constexpr std::uint64_t kMaxGenerated = 100000;
constexpr std::uint64_t kMaxGeneratedSize = std::uint64_t{16} << 20;

std::shared_ptr<pop3::Maildrop> maildrop(const Targets& t, const std::string& user) {
  auto md = t.pop3->mailboxes().find(user);
  if (!md) throw ApiError(404, "no mailbox '" + user + "' (GET /api/mailboxes lists them)");
  return md;
}

json messages_json(pop3::Maildrop& md) {
  json out = json::array();
  for (const auto& m : md.snapshot()) out.push_back(json{{"name", m.name}, {"uid", m.uid}, {"size", m.size}});
  return out;
}

json mailbox_json(pop3::Maildrop& md) {
  auto messages = md.snapshot();
  std::uint64_t octets = 0;
  for (const auto& m : messages) octets += m.size;
  return json{{"user", md.user()},
              {"messages", messages.size()},
              {"octets", octets},
              {"locked", md.locked()},
              {"directory", md.directory().string()}};
}

Response create(Context c, const Call& call) {
  auto user = call.text("user");
  if (user.empty() || user.find_first_of(" \t\r\n:") != std::string::npos)
    throw ApiError(400, "body: field 'user': '" + user + "' must be a non-empty name without spaces or ':'", "user");
  if (c.targets.pop3->mailboxes().find(user)) throw ApiError(409, "mailbox '" + user + "' exists already", "user");
  auto md = std::make_shared<pop3::Maildrop>(user, call.text_or("password", "secret"));
  c.targets.pop3->mailboxes().add(md);
  c.feed.publish("mailboxes", json{{"added", user}}.dump());
  return json_response(201, mailbox_json(*md));
}

// A name no message of the maildrop has; `taken` learns it.
std::string fresh_name(std::set<std::string>& taken, const std::string& prefix) {
  for (std::size_t i = taken.size() + 1;; ++i) {
    char name[64];
    std::snprintf(name, sizeof name, "%s-%06zu", prefix.c_str(), i);
    if (taken.insert(name).second) return name;
  }
}

// The names in use and those of messages gone: a UIDL is never used twice, or a client
// that remembers UIDLs (the robust connector) would take a new message for one it has.
std::set<std::string> names(pop3::Maildrop& md) {
  std::set<std::string> out;
  for (const auto& m : md.snapshot()) out.insert(m.name);
  for (const auto& d : md.departures()) out.insert(d.name);
  return out;
}

Response add_message(Context c, const Call& call) {
  auto md = maildrop(c.targets, call.param("user"));
  auto text = call.text("text");
  auto name = call.text_or("name", "");
  if (name.empty()) {
    auto taken = names(*md);
    name = fresh_name(taken, "api");
  }
  md->add(name, text);
  c.feed.publish("messages", json{{"user", md->user()}, {"added", name}}.dump());
  return json_response(201, json{{"name", name}, {"uid", pop3::uid_for_name(name)}, {"mailbox", mailbox_json(*md)}});
}

Response generate(Context c, const Call& call) {
  auto md = maildrop(c.targets, call.param("user"));
  auto count = call.count("count");
  if (count == 0 || count > kMaxGenerated)
    throw ApiError(400, "body: field 'count': must be 1 to " + std::to_string(kMaxGenerated), "count");
  std::uint64_t size;
  try {
    size = parse_size(call.text_or("size", "4K"));
  } catch (const std::invalid_argument& e) {
    throw ApiError(400, std::string("body: field 'size': ") + e.what(), "size");
  }
  if (size > kMaxGeneratedSize) throw ApiError(400, "body: field 'size': at most 16M", "size");
  auto taken = names(*md);
  auto first = taken.size();
  for (std::uint64_t i = 1; i <= count; ++i)
    md->add(fresh_name(taken, "msg"), pop3::synthetic_message(md->user(), first + i, size));
  c.feed.publish("messages", json{{"user", md->user()}, {"generated", count}}.dump());
  return json_response(201, mailbox_json(*md));
}

Response remove_message(Context c, const Call& call) {
  auto md = maildrop(c.targets, call.param("user"));
  const auto& uid = call.param("uid");
  if (!md->remove(uid))
    throw ApiError(404, "no message '" + uid + "' in mailbox '" + md->user() + "' (its messages list the uids)");
  c.feed.publish("messages", json{{"user", md->user()}, {"removed", uid}}.dump());
  return json_response(200, json{{"removed", uid}, {"mailbox", mailbox_json(*md)}});
}

}  // namespace

void add_mailbox_routes(Router& router, Context c) {
  router.add("GET", "/api/mailboxes", [c](const Call&) {
    json out = json::array();
    for (const auto& md : c.targets.pop3->mailboxes().all()) out.push_back(mailbox_json(*md));
    return json_response(200, json{{"mailboxes", out}});
  });
  router.add("POST", "/api/mailboxes", [c](const Call& call) { return create(c, call); });
  router.add("GET", "/api/mailboxes/{user}/messages", [c](const Call& call) {
    return json_response(200, json{{"messages", messages_json(*maildrop(c.targets, call.param("user")))}});
  });
  router.add("POST", "/api/mailboxes/{user}/messages", [c](const Call& call) { return add_message(c, call); });
  router.add("POST", "/api/mailboxes/{user}/generate", [c](const Call& call) { return generate(c, call); });
  router.add("DELETE", "/api/mailboxes/{user}/messages/{uid}", [c](const Call& call) { return remove_message(c, call); });
}

}  // namespace maillab::console
