#pragma once
// The control API of a running maillab process (pop3d, smtpd or lab) as a function from
// a request to a response: routing, JSON and errors, with no sockets. HttpServer is the
// Boost.Beast shell around it. Every change goes through the servers' own in-process
// API (FaultTable, Mailboxes, World), so it takes effect before the reply, exactly as
// from C++ or Python, and is as thread-safe with running sessions as they are.
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "maillab/connector/connector.hpp"
#include "maillab/pop3/server.hpp"
#include "maillab/smtp/server.hpp"

namespace maillab::console {

struct Request {
  std::string method;  // "GET", "POST", "DELETE" ...
  std::string target;  // "/api/faults?server=smtp"
  std::string body;
  std::string authorization;  // the Authorization header, "" when absent
};

struct Response {
  int status = 200;
  std::string body;  // JSON unless content_type says otherwise
  std::string content_type = "application/json";
  std::vector<std::pair<std::string, std::string>> headers;  // Allow, WWW-Authenticate
  bool stream = false;  // GET /api/stream: the shell sends server-sent events (Api::stream_poll)
};

// What the API controls; any of it may be absent (pop3d has no SMTP side, only lab has
// the connector and the catalog). The pointees outlive the Api.
struct Targets {
  pop3::Server* pop3 = nullptr;
  smtp::Server* smtp = nullptr;
  // One connector cycle now ("Retrieve now"); empty: no connector in this process.
  std::function<connector::CycleReport()> run_connector;
  std::filesystem::path connector_events;  // the connector's events.jsonl
  std::filesystem::path connector_log;     // its diagnostic log
  std::string scenarios_dir;               // empty: no catalog
  std::filesystem::path connector_root;    // its folders (Incoming Mail, Failed Mail), counted
};

struct ApiOptions {
  std::string token;  // non-empty: every request needs "Authorization: Bearer TOKEN"
  std::size_t events_kept = 512;  // the stream's backlog of change events
};

class Api {
 public:
  explicit Api(Targets targets, ApiOptions options = {});
  ~Api();
  Api(const Api&) = delete;
  Api& operator=(const Api&) = delete;

  // Thread-safe: the HTTP shell calls it from several threads at once. GET / and
  // /console/* are the web console's files (no token needed: they hold no data).
  Response handle(const Request& request);
  // "GET /api/faults", "DELETE /api/faults/{id}" ...: every route this process serves.
  std::vector<std::string> routes() const;

  // Server-sent events for one stream: the change events after `cursor`, and the status
  // whenever it changed since the cursor last saw it ("" when nothing is new).
  struct StreamCursor {
    std::uint64_t seq = 0;
    std::string status;
  };
  std::string stream_poll(StreamCursor& cursor);
  // A change made outside the API (the lab's scheduled connector cycle) for the stream.
  void publish(std::string_view type, std::string_view json);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace maillab::console
