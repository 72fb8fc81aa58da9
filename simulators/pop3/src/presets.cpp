#include "maillab/pop3/presets.hpp"

#include <string>

#include "maillab/faults/tls_presets.hpp"
#include "maillab/pop3/replies.hpp"

namespace maillab::pop3 {

const faults::PresetRegistry& presets() {
  static const faults::PresetRegistry registry = [] {
    faults::PresetRegistry r;
    r.add({"bad-password", "every logon (PASS, APOP, AUTH) is refused as in the seeds' telnet step 4", "",
           {"reject-login"}});
    r.add({"empty-drop", "the account logs on to an empty drop (STAT answers +OK 0 0); the mail stays", "",
           {"hide-drop"}});
    r.add({"competing-client", "another POP3 client takes (and deletes) the mail just before each session", "take",
           {"competing-client,take=all"}});
    r.add({"connect-refused", "nothing listens: connections are refused (telnet: Connect failed)", "", {"refuse"}});
    r.add({"banner-not-ok", "the greeting is not +OK and the server hangs up", "text",
           {"reply,on=connect,close=yes,text=-ERR [SYS/TEMP] mail-host.fabrikam.com service not available"}});
    r.add({"drop-mid-retr", "the connection drops after `bytes` octets of a RETR reply", "bytes",
           {"disconnect,on=RETR,bytes=1024"}});
    r.add({"slow", "every reply waits `ms` and flows at `bps` octets per second", "ms",
           {"delay,ms=200", "bandwidth,bps=65536"}});
    r.add({"corrupt-eml", "message `message` is served corrupt (kind: truncated, nul, bare-lf, no-separator, "
                          "broken-boundary, 8bit-header)",
           "kind", {"corrupt,kind=nul,message=1"}});
    faults::add_tls_presets(r, "STLS");
    return r;
  }();
  return registry;
}

}  // namespace maillab::pop3
