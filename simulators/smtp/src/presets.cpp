#include "maillab/smtp/presets.hpp"

#include "maillab/faults/tls_presets.hpp"
#include "maillab/smtp/replies.hpp"
#include "maillab/smtp/path_names.hpp"

namespace maillab::smtp {

namespace {

// A World-layer preset whose ARG names a mailbox: the setting key carries the address.
faults::Preset per_mailbox(std::string name, std::string summary, std::string key_prefix, std::string value_key,
                           std::string fallback) {
  return faults::Preset(
      name, std::move(summary), "address", {},
      [name, key_prefix, value_key, fallback](faults::FaultParams& p) {
        auto address = p.take("address");
        if (!address || address->find('@') == std::string::npos)
          p.fail("address", "'" + name + "' needs a mailbox address, as " + name + ":ADDRESS");
        std::string value = value_key.empty() ? fallback : p.take_or(value_key, fallback);
        // NAME:ADDRESS:VALUE, as in client-rule:bob@contoso.local:Junk
        if (auto colon = address->find(':'); colon != std::string::npos && !value_key.empty()) {
          value = address->substr(colon + 1);
          address->resize(colon);
        }
        if (value.empty()) p.fail(value_key, "is required");
        // A folder or a forwarding target becomes a folder of the store: it must stay in it.
        if (auto refusal = value_key.empty() ? std::nullopt : store_name_refusal(value)) p.fail(value_key, *refusal);
        faults::FaultParams world(p.where());
        world.set("set", key_prefix + *address, p.where());
        world.set("value", value, p.where());
        return faults::build_faults("world", world, faults::PresetRegistry{});
      });
}

}  // namespace

const faults::PresetRegistry& presets() {
  static const faults::PresetRegistry registry = [] {
    faults::PresetRegistry r;
    r.add({"sender-denied", "554 5.1.0 Sender denied after the final dot (seed 004), for senders matching ARG",
           "sender", {"reply,on=.,text=" + std::string(reply::kSenderDenied)}});
    r.add({"too-large", "the size limit drops to ARG octets (default 65536): bigger mail gets 552", "value",
           {"world,set=size-limit,value=65536"}});
    r.add({"anonymous-disabled", "anonymous access off: MAIL without AUTH gets 530 5.7.3", "",
           {"world,set=anonymous-access,value=off"}});
    r.add({"service-stopped", "the SMTP service is stopped: nothing listens", "", {"refuse", "world,set=smtp-service,value=stopped"}});
    r.add({"virtual-server-stopped", "the default SMTP virtual server is stopped: nothing listens", "",
           {"refuse", "world,set=virtual-server,value=stopped"}});
    r.add({"exchange-verbs-missing", "EHLO lists only the Windows SMTP verbs (seed 002 example 2)", "",
           {"world,set=profile,value=iis"}});
    r.add(per_mailbox("mailbox-full", "the mailbox is over its quota: the store refuses, an NDR follows",
                      "mailbox-full:", "", "yes"));
    r.add({"unknown-domain", "the recipient policy lacks the mail domain: RCPT gets 550 5.7.1 Unable to relay", "",
           {"world,set=recipient-policy,value=missing"}});
    r.add({"event-sink-unregistered", "the POP3 connector event sink is not registered", "",
           {"world,set=event-sink,value=unregistered"}});
    r.add({"pickup-antivirus", "an antivirus scanner renames, locks or removes files in PickUp", "value",
           {"world,set=pickup-antivirus,value=rename"}});
    r.add(per_mailbox("forwarding", "the mailbox forwards (without deliver-to-both) to `to`", "forward:", "to",
                      "forwarded@fabrikam.com"));
    r.add(per_mailbox("client-rule", "a client rule moves arriving mail into `folder`", "client-rule:", "folder",
                      "Junk E-mail"));
    r.add({"disconnect-after-data", "the connection drops after the final dot, before any reply; nothing is stored",
           "", {"disconnect,on=.,when=before"}});
    faults::add_tls_presets(r, "STARTTLS");
    r.add({"starttls-unavailable", "STARTTLS is answered 454 (RFC 3207): offered, but not now", "",
           {"reply,on=STARTTLS,text=" + std::string(reply::kTlsNotAvailable)}});
    return r;
  }();
  return registry;
}

}  // namespace maillab::smtp
