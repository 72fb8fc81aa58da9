#include "maillab/connector/events.hpp"

#include <fmt/args.h>
#include <fmt/chrono.h>
#include <fmt/format.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <stdexcept>

namespace maillab::connector {
namespace {

struct Text {
  EventId id;
  const char* category_en;
  const char* category_de;
  EventType type;
  const char* en;
  const char* de;
};

// 1046, 1048 and 12052: English from KB 885685, German as seed 000 prints them.
// 1070: KB 842293's condition (the seeds name the article, not its text).
const Text kTexts[] = {
    {EventId::RetrieveFromQueueFailed, "Delivery", "Übermittlung", EventType::Error,
     "An error occurred while retrieving messages from the incoming mail queue for delivery. The error code is -2147467259.",
     "Beim Abrufen von Nachrichten von der Warteschlange für eingehende Nachrichten zum Übermitteln ist ein Fehler aufgetreten. Der Fehlercode ist -2147467259."},
    {EventId::DeliveryCompletedWithErrors, "Delivery", "Übermittlung", EventType::Error,
     "The delivery completed with one or more errors.",
     "Die Übermittlung wurde mit mindestens einem Fehler fertig gestellt."},
    {EventId::RecipientPolicy, "Delivery", "Übermittlung", EventType::Error,
     "The message could not be delivered to {}: the mail domain is not in the default recipient policy ({}).",
     "Die Nachricht konnte nicht an {} übermittelt werden: Die E-Mail-Domäne fehlt in der Standardempfängerrichtlinie ({})."},
    {EventId::Pop3TransactionError, "Download", "Download", EventType::Error,
     "POP3: An error occurred during a POP3 transaction on {} for user {}. The error is 86.",
     "POP3: Während einer POP3-Transaktion auf {} für den Benutzer {} ist ein Fehler aufgetreten. Der Fehler ist 86."},
    {EventId::CycleCompleted, "General", "Allgemein", EventType::Information,
     "Retrieval cycle completed: {} downloaded, {} delivered, {} failed, {} left for the next cycle.",
     "Abrufzyklus beendet: {} heruntergeladen, {} übermittelt, {} fehlgeschlagen, {} für den nächsten Zyklus übrig."},
    {EventId::FolderRecreated, "Delivery", "Übermittlung", EventType::Warning,
     "The folder {} was missing and has been created again.",
     "Der Ordner {} fehlte und wurde neu erstellt."},
    {EventId::CorruptMessage, "Delivery", "Übermittlung", EventType::Error,
     "The message file {} is corrupt ({}) and was moved to Failed Mail.",
     "Die Nachrichtendatei {} ist beschädigt ({}) und wurde nach \"Failed Mail\" verschoben."},
    {EventId::PermanentRejection, "Delivery", "Übermittlung", EventType::Error,
     "The message file {} was rejected by the SMTP server ({}); it was moved to Failed Mail and reported to {}.",
     "Die Nachrichtendatei {} wurde vom SMTP-Server abgewiesen ({}); sie wurde nach \"Failed Mail\" verschoben und an {} gemeldet."},
    {EventId::TransientRejection, "Delivery", "Übermittlung", EventType::Warning,
     "The message file {} was not accepted by the SMTP server ({}); it will be delivered in a later cycle.",
     "Die Nachrichtendatei {} wurde vom SMTP-Server nicht angenommen ({}); sie wird in einem späteren Zyklus übermittelt."},
    {EventId::NoValidRecipient, "Delivery", "Übermittlung", EventType::Error,
     "The message file {} has no valid recipient address and was moved to Failed Mail.",
     "Die Nachrichtendatei {} hat keine gültige Empfängeradresse und wurde nach \"Failed Mail\" verschoben."},
    {EventId::SmtpUnreachable, "Delivery", "Übermittlung", EventType::Error,
     "The SMTP server {} could not be reached ({}); messages stay in Incoming Mail.",
     "Der SMTP-Server {} ist nicht erreichbar ({}); die Nachrichten bleiben in \"Incoming Mail\"."},
    {EventId::UnreadableFile, "Delivery", "Übermittlung", EventType::Warning,
     "The file {} in Incoming Mail cannot be delivered ({}); it is left where it is.",
     "Die Datei {} in \"Incoming Mail\" kann nicht übermittelt werden ({}); sie bleibt, wo sie ist."},
    {EventId::ConnectFailed, "Download", "Download", EventType::Error,
     "Could not open a connection to the POP3 server {} for user {}: {}.",
     "Zum POP3-Server {} für den Benutzer {} konnte keine Verbindung hergestellt werden: {}."},
    {EventId::BadGreeting, "Download", "Download", EventType::Error,
     "The POP3 server {} did not greet with +OK (user {}): {}",
     "Der POP3-Server {} hat nicht mit +OK begrüßt (Benutzer {}): {}"},
    {EventId::LogonFailure, "Download", "Download", EventType::Error,
     "The POP3 server {} refused the logon of user {}: {}",
     "Der POP3-Server {} hat die Anmeldung des Benutzers {} abgelehnt: {}"},
    {EventId::Pop3ProtocolError, "Download", "Download", EventType::Error,
     "A POP3 error occurred on {} for user {}: {}",
     "Auf {} ist für den Benutzer {} ein POP3-Fehler aufgetreten: {}"},
    {EventId::MessageTooLarge, "Download", "Download", EventType::Warning,
     "Message {} on {} for user {} is larger than the maximum message size and was left on the server.",
     "Die Nachricht {} auf {} für den Benutzer {} überschreitet die maximale Nachrichtengröße und bleibt auf dem Server."},
    {EventId::DeadlinePassed, "Download", "Download", EventType::Error,
     "The POP3 session on {} for user {} was ended: {}. What arrived whole is kept; the rest is fetched in a later cycle.",
     "Die POP3-Sitzung auf {} für den Benutzer {} wurde beendet: {}. Was vollständig ankam, bleibt erhalten; der Rest wird in einem späteren Zyklus abgerufen."},
    {EventId::DuplicateUidl, "Download", "Download", EventType::Warning,
     "The POP3 server {} gives user {} the UIDL {} for more than one message ({}); they are told apart by their size and never deleted unread, so one may arrive twice.",
     "Der POP3-Server {} vergibt für den Benutzer {} die UIDL {} an mehr als eine Nachricht ({}); sie werden an ihrer Größe unterschieden und nie ungelesen gelöscht, eine kann also doppelt ankommen."},
};

const char* type_name(EventType t, Lang lang) {
  switch (t) {
    case EventType::Information: return lang == Lang::De ? "Informationen" : "Information";
    case EventType::Warning: return lang == Lang::De ? "Warnung" : "Warning";
    case EventType::Error: return lang == Lang::De ? "Fehler" : "Error";
  }
  return "";
}

}  // namespace

Lang parse_lang(std::string_view text) {
  if (text == "en") return Lang::En;
  if (text == "de") return Lang::De;
  throw std::invalid_argument("language must be en or de, not '" + std::string(text) + "'");
}

Event render_event(EventId id, Lang lang, const std::vector<std::string>& args) {
  for (const auto& t : kTexts) {
    if (t.id != id) continue;
    Event e;
    // Seed 000 names the source "POP3-Connector"; the English article "POP3 Connector".
    e.source = lang == Lang::De ? "POP3-Connector" : "POP3 Connector";
    e.category = lang == Lang::De ? t.category_de : t.category_en;
    e.id = static_cast<int>(id);
    e.type = type_name(t.type, lang);
    fmt::dynamic_format_arg_store<fmt::format_context> store;
    for (const auto& a : args) store.push_back(a);
    try {
      e.description = fmt::vformat(lang == Lang::De ? t.de : t.en, store);
    } catch (const fmt::format_error&) {
      e.description = lang == Lang::De ? t.de : t.en;  // too few args: the bare text
    }
    return e;
  }
  throw std::logic_error("no text for event " + std::to_string(static_cast<int>(id)));
}

EventLog::EventLog(std::string path, Lang lang, const Clock& clock)
    : path_(std::move(path)), lang_(lang), clock_(clock) {}

void EventLog::report(EventId id, const std::vector<std::string>& args) {
  auto e = render_event(id, lang_, args);
  e.time = fmt::format("{:%Y-%m-%dT%H:%M:%SZ}", std::chrono::floor<std::chrono::seconds>(clock_.now()));
  nlohmann::ordered_json j{{"time", e.time},         {"source", e.source}, {"category", e.category},
                           {"id", e.id},             {"type", e.type},     {"description", e.description}};
  std::lock_guard lock(mutex_);
  if (!path_.empty()) {
    std::ofstream out(path_, std::ios::app | std::ios::binary);
    out << j.dump() << '\n';
  }
  events_.push_back(std::move(e));
}

std::vector<Event> EventLog::events() const {
  std::lock_guard lock(mutex_);
  return events_;
}

}  // namespace maillab::connector
