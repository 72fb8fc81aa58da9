#include "maillab/connector/events.hpp"

#include <fmt/args.h>
#include <fmt/chrono.h>
#include <fmt/format.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <stdexcept>

namespace maillab::connector {
namespace {

enum class Category { General, Delivery, Download };

struct Text {
  EventId id;
  Category category;
  EventType type;
  const char* en;
  const char* de;
  const char* ja = nullptr;  // seed 003's text; none: the English text stands
};

// 1046, 1048 and 12052: English from KB 885685, German as seed 000 prints them, Japanese
// as seed 003 prints them (the placeholders "host name of remote POP3 server" and
// "username" become {}).
// 1070: KB 842293's condition (the seeds name the article, not its text).
const Text kTexts[] = {
    {EventId::RetrieveFromQueueFailed, Category::Delivery, EventType::Error,
     "An error occurred while retrieving messages from the incoming mail queue for delivery. The error code is -2147467259.",
     "Beim Abrufen von Nachrichten von der Warteschlange für eingehende Nachrichten zum Übermitteln ist ein Fehler aufgetreten. Der Fehlercode ist -2147467259.",
     "配信のために受信メール キューからメールを取得しているときにエラーが発生しました。エラー コードは -2147467259 です。"},
    {EventId::DeliveryCompletedWithErrors, Category::Delivery, EventType::Error,
     "The delivery completed with one or more errors.",
     "Die Übermittlung wurde mit mindestens einem Fehler fertig gestellt.",
     "配信プロセスは完了しましたが、エラーが 1 つまたは複数発生しました。"},
    {EventId::RecipientPolicy, Category::Delivery, EventType::Error,
     "The message could not be delivered to {}: the mail domain is not in the default recipient policy ({}).",
     "Die Nachricht konnte nicht an {} übermittelt werden: Die E-Mail-Domäne fehlt in der Standardempfängerrichtlinie ({})."},
    {EventId::Pop3TransactionError, Category::Download, EventType::Error,
     "POP3: An error occurred during a POP3 transaction on {} for user {}. The error is 86.",
     "POP3: Während einer POP3-Transaktion auf {} für den Benutzer {} ist ein Fehler aufgetreten. Der Fehler ist 86.",
     // Seed 003 leaves "for user" in English between the host and the user.
     "サーバー {} for user {} への POP3 トランザクション中にエラーが発生しました。エラーは 86 です。"},
    {EventId::CycleCompleted, Category::General, EventType::Information,
     "Retrieval cycle completed: {} downloaded, {} delivered, {} failed, {} left for the next cycle.",
     "Abrufzyklus beendet: {} heruntergeladen, {} übermittelt, {} fehlgeschlagen, {} für den nächsten Zyklus übrig."},
    {EventId::FolderRecreated, Category::Delivery, EventType::Warning,
     "The folder {} was missing and has been created again.",
     "Der Ordner {} fehlte und wurde neu erstellt."},
    {EventId::CorruptMessage, Category::Delivery, EventType::Error,
     "The message file {} is corrupt ({}) and was moved to Failed Mail.",
     "Die Nachrichtendatei {} ist beschädigt ({}) und wurde nach \"Failed Mail\" verschoben."},
    {EventId::PermanentRejection, Category::Delivery, EventType::Error,
     "The message file {} was rejected by the SMTP server ({}); it was moved to Failed Mail and reported to {}.",
     "Die Nachrichtendatei {} wurde vom SMTP-Server abgewiesen ({}); sie wurde nach \"Failed Mail\" verschoben und an {} gemeldet."},
    {EventId::TransientRejection, Category::Delivery, EventType::Warning,
     "The message file {} was not accepted by the SMTP server ({}); it will be delivered in a later cycle.",
     "Die Nachrichtendatei {} wurde vom SMTP-Server nicht angenommen ({}); sie wird in einem späteren Zyklus übermittelt."},
    {EventId::NoValidRecipient, Category::Delivery, EventType::Error,
     "The message file {} has no valid recipient address and was moved to Failed Mail.",
     "Die Nachrichtendatei {} hat keine gültige Empfängeradresse und wurde nach \"Failed Mail\" verschoben."},
    {EventId::SmtpUnreachable, Category::Delivery, EventType::Error,
     "The SMTP server {} could not be reached ({}); messages stay in Incoming Mail.",
     "Der SMTP-Server {} ist nicht erreichbar ({}); die Nachrichten bleiben in \"Incoming Mail\"."},
    {EventId::UnreadableFile, Category::Delivery, EventType::Warning,
     "The file {} in Incoming Mail cannot be delivered ({}); it is left where it is.",
     "Die Datei {} in \"Incoming Mail\" kann nicht übermittelt werden ({}); sie bleibt, wo sie ist."},
    {EventId::AlreadyDelivered, Category::Delivery, EventType::Warning,
     "The message file {} in Incoming Mail was already delivered to {} (the message tracking log shows {}); the file was removed instead of being delivered a second time.",
     "Die Nachrichtendatei {} in \"Incoming Mail\" wurde bereits an {} übermittelt (das Nachrichtenverfolgungsprotokoll zeigt {}); die Datei wurde entfernt, statt ein zweites Mal übermittelt zu werden."},
    {EventId::ConnectFailed, Category::Download, EventType::Error,
     "Could not open a connection to the POP3 server {} for user {}: {}.",
     "Zum POP3-Server {} für den Benutzer {} konnte keine Verbindung hergestellt werden: {}."},
    {EventId::BadGreeting, Category::Download, EventType::Error,
     "The POP3 server {} did not greet with +OK (user {}): {}",
     "Der POP3-Server {} hat nicht mit +OK begrüßt (Benutzer {}): {}"},
    {EventId::LogonFailure, Category::Download, EventType::Error,
     "The POP3 server {} refused the logon of user {}: {}",
     "Der POP3-Server {} hat die Anmeldung des Benutzers {} abgelehnt: {}"},
    {EventId::Pop3ProtocolError, Category::Download, EventType::Error,
     "A POP3 error occurred on {} for user {}: {}",
     "Auf {} ist für den Benutzer {} ein POP3-Fehler aufgetreten: {}"},
    {EventId::MessageTooLarge, Category::Download, EventType::Warning,
     "Message {} on {} for user {} is larger than the maximum message size and was left on the server.",
     "Die Nachricht {} auf {} für den Benutzer {} überschreitet die maximale Nachrichtengröße und bleibt auf dem Server."},
    {EventId::DeadlinePassed, Category::Download, EventType::Error,
     "The POP3 session on {} for user {} was ended: {}. What arrived whole is kept; the rest is fetched in a later cycle.",
     "Die POP3-Sitzung auf {} für den Benutzer {} wurde beendet: {}. Was vollständig ankam, bleibt erhalten; der Rest wird in einem späteren Zyklus abgerufen."},
    {EventId::DuplicateUidl, Category::Download, EventType::Warning,
     "The POP3 server {} gives user {} the UIDL {} for more than one message ({}); they are told apart by their size and never deleted unread, so one may arrive twice.",
     "Der POP3-Server {} vergibt für den Benutzer {} die UIDL {} an mehr als eine Nachricht ({}); sie werden an ihrer Größe unterschieden und nie ungelesen gelöscht, eine kann also doppelt ankommen."},
    {EventId::Pop3TlsFailed, Category::Download, EventType::Error,
     "TLS with the POP3 server {} for user {} failed: {}. Nothing was sent in plain text; the mail stays on the server.",
     "TLS mit dem POP3-Server {} für den Benutzer {} ist fehlgeschlagen: {}. Nichts wurde unverschlüsselt gesendet; die Nachrichten bleiben auf dem Server."},
    {EventId::SmtpTlsFailed, Category::Delivery, EventType::Error,
     "TLS with the SMTP server {} failed: {}. Nothing was sent in plain text; messages stay in Incoming Mail.",
     "TLS mit dem SMTP-Server {} ist fehlgeschlagen: {}. Nichts wurde unverschlüsselt gesendet; die Nachrichten bleiben in \"Incoming Mail\"."},
};

// The words of a language around the descriptions: the event source, the categories and
// the types. Japanese has only the words seed 003 prints (配信, ダウンロード, エラー); the
// rest stay English, like the descriptions seed 003 does not quote.
struct Vocabulary {
  const char* source;
  const char* general;
  const char* delivery;
  const char* download;
  const char* information;
  const char* warning;
  const char* error;
};

// Seed 000 names the source "POP3-Connector"; the English article and seed 003 "POP3 Connector".
constexpr Vocabulary kEnglish{"POP3 Connector", "General", "Delivery", "Download", "Information", "Warning", "Error"};
constexpr Vocabulary kGerman{"POP3-Connector", "Allgemein",     "Übermittlung", "Download",
                             "Informationen",  "Warnung",       "Fehler"};
constexpr Vocabulary kJapanese{"POP3 Connector", "General", "配信", "ダウンロード", "Information", "Warning", "エラー"};

const Vocabulary& vocabulary(Lang lang) {
  switch (lang) {
    case Lang::De: return kGerman;
    case Lang::Ja: return kJapanese;
    case Lang::En: break;
  }
  return kEnglish;
}

const char* category_name(Category c, const Vocabulary& v) {
  switch (c) {
    case Category::Delivery: return v.delivery;
    case Category::Download: return v.download;
    case Category::General: break;
  }
  return v.general;
}

const char* type_name(EventType t, const Vocabulary& v) {
  switch (t) {
    case EventType::Information: return v.information;
    case EventType::Warning: return v.warning;
    case EventType::Error: break;
  }
  return v.error;
}

const char* description(const Text& t, Lang lang) {
  switch (lang) {
    case Lang::De: return t.de;
    case Lang::Ja: return t.ja ? t.ja : t.en;
    case Lang::En: break;
  }
  return t.en;
}

}  // namespace

Lang parse_lang(std::string_view text) {
  if (text == "en") return Lang::En;
  if (text == "de") return Lang::De;
  if (text == "ja") return Lang::Ja;
  throw std::invalid_argument("language must be en, de or ja, not '" + std::string(text) + "'");
}

Event render_event(EventId id, Lang lang, const std::vector<std::string>& args) {
  for (const auto& t : kTexts) {
    if (t.id != id) continue;
    const auto& words = vocabulary(lang);
    Event e;
    e.source = words.source;
    e.category = category_name(t.category, words);
    e.id = static_cast<int>(id);
    e.type = type_name(t.type, words);
    fmt::dynamic_format_arg_store<fmt::format_context> store;
    for (const auto& a : args) store.push_back(a);
    const char* text = description(t, lang);
    try {
      e.description = fmt::vformat(text, store);
    } catch (const fmt::format_error&) {
      e.description = text;  // too few args: the bare text
    }
    return e;
  }
  throw std::logic_error("no text for event " + std::to_string(static_cast<int>(id)));
}

LogLevel event_level(EventId id) {
  switch (id) {
    case EventId::RetrieveFromQueueFailed:
    case EventId::DeliveryCompletedWithErrors:
    case EventId::Pop3TransactionError:
      return LogLevel::Maximum;
    default:
      break;
  }
  for (const auto& t : kTexts)
    if (t.id == id) return t.type == EventType::Error ? LogLevel::Minimum : LogLevel::Medium;
  return LogLevel::Minimum;
}

EventLog::EventLog(std::string path, Lang lang, const Clock& clock, LogLevel level)
    : path_(std::move(path)), lang_(lang), clock_(clock), level_(level) {}

void EventLog::report(EventId id, const std::vector<std::string>& args) {
  if (level_ == LogLevel::None || event_level(id) > level_) return;
  auto e = render_event(id, lang_, args);
  e.time = fmt::format("{:%Y-%m-%dT%H:%M:%SZ}", std::chrono::floor<std::chrono::seconds>(clock_.now()));
  nlohmann::ordered_json j{{"time", e.time},         {"source", e.source}, {"category", e.category},
                           {"id", e.id},             {"type", e.type},     {"description", e.description}};
  std::lock_guard lock(mutex_);
  if (!path_.empty()) {
    std::ofstream out(path_, std::ios::app | std::ios::binary);
    // A reply quoted in a description may carry 8-bit bytes that are not UTF-8.
    out << j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) << '\n';
  }
  events_.push_back(std::move(e));
}

std::vector<Event> EventLog::events() const {
  std::lock_guard lock(mutex_);
  return events_;
}

}  // namespace maillab::connector
