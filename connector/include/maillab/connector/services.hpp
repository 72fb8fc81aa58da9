#pragma once
// What the connector needs from the outside world, passed in so tests can replace each.
#include "maillab/connector/channel.hpp"
#include "maillab/connector/clock.hpp"
#include "maillab/connector/diag_log.hpp"
#include "maillab/connector/events.hpp"
#include "maillab/connector/file_system.hpp"

namespace maillab::connector {

struct Services {
  ChannelFactory& channels;
  FileSystem& fs;
  const Clock& clock;
  EventLog& events;
  DiagLog& log;
};

}  // namespace maillab::connector
