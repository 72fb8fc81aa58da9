#include "maillab/faults/fault_table.hpp"

#include <algorithm>

namespace maillab::faults {

FaultTable::Id FaultTable::add(std::unique_ptr<Fault> fault) {
  Id id;
  {
    std::lock_guard lock(mutex_);
    id = next_++;
    faults_.emplace_back(id, std::move(fault));
    count_.store(faults_.size(), std::memory_order_release);
  }
  changed();
  return id;
}

std::vector<FaultTable::Id> FaultTable::add(std::vector<std::unique_ptr<Fault>> faults) {
  std::vector<Id> ids;
  {
    std::lock_guard lock(mutex_);
    for (auto& f : faults) {
      ids.push_back(next_);
      faults_.emplace_back(next_++, std::move(f));
    }
    count_.store(faults_.size(), std::memory_order_release);
  }
  changed();
  return ids;
}

bool FaultTable::remove(Id id) {
  bool found;
  {
    std::lock_guard lock(mutex_);
    auto it = std::find_if(faults_.begin(), faults_.end(), [&](auto& e) { return e.first == id; });
    found = it != faults_.end();
    if (found) faults_.erase(it);
    count_.store(faults_.size(), std::memory_order_release);
  }
  if (found) changed();
  return found;
}

void FaultTable::clear() {
  {
    std::lock_guard lock(mutex_);
    faults_.clear();
    count_.store(0, std::memory_order_release);
  }
  changed();
}

std::vector<FaultTable::Entry> FaultTable::list() const {
  std::lock_guard lock(mutex_);
  std::vector<Entry> out;
  for (auto& [id, f] : faults_) out.push_back({id, f->describe(), f->fired()});
  return out;
}

Verdict FaultTable::on_reply(const Event& event) {
  Verdict merged;
  if (empty()) return merged;
  std::lock_guard lock(mutex_);
  for (auto& [id, f] : faults_) {
    if (f->layer() != Layer::Reply || !f->fires(event)) continue;
    Verdict one;
    f->apply(one);
    merged.delay += one.delay;
    if (one.bytes_per_second && (!merged.bytes_per_second || one.bytes_per_second < merged.bytes_per_second))
      merged.bytes_per_second = one.bytes_per_second;
    // Ties go to the fault installed first.
    bool stronger = one.rank > merged.rank || (one.rank == Rank::Normal && one.reply && !merged.reply);
    if (stronger && one.rank != Rank::Delay) {
      merged.rank = one.rank;
      merged.reply = one.reply;
      merged.close_after_reply = one.close_after_reply;
      merged.drop = one.drop;
      merged.cut_after_bytes = one.cut_after_bytes;
    } else if (one.rank == Rank::Delay && merged.rank < Rank::Delay) {
      merged.rank = Rank::Delay;
    }
  }
  return merged;
}

void FaultTable::on_content(const Event& event, std::string& text) {
  if (empty()) return;
  std::lock_guard lock(mutex_);
  for (auto& [id, f] : faults_)
    if (f->layer() == Layer::Content && f->fires(event)) f->corrupt(text);
}

MaildropPlan FaultTable::on_lock(const Event& event) {
  MaildropPlan plan;
  if (empty()) return plan;
  std::lock_guard lock(mutex_);
  for (auto& [id, f] : faults_)
    if (f->layer() == Layer::Maildrop && f->fires(event)) f->plan(plan);
  return plan;
}

TlsPlan FaultTable::on_tls(const Event& event, TlsStage stage) {
  TlsPlan plan;
  if (empty()) return plan;
  std::lock_guard lock(mutex_);
  for (auto& [id, f] : faults_)
    if (f->layer() == Layer::Tls && f->tls_stage() == stage && f->fires(event)) f->tls(plan);
  return plan;
}

bool FaultTable::refusing() const {
  if (empty()) return false;
  std::lock_guard lock(mutex_);
  return std::any_of(faults_.begin(), faults_.end(), [](auto& e) { return e.second->layer() == Layer::Listener; });
}

bool FaultTable::dropping() const {
  if (empty()) return false;
  std::lock_guard lock(mutex_);
  return std::any_of(faults_.begin(), faults_.end(), [](auto& e) { return e.second->kind() == "blackhole"; });
}

std::map<std::string, std::string> FaultTable::world() const {
  std::map<std::string, std::string> out;
  if (empty()) return out;
  std::lock_guard lock(mutex_);
  for (auto& [id, f] : faults_) {
    if (f->layer() != Layer::World) continue;
    std::string key, value;
    f->setting(key, value);
    out[key] = value;
  }
  return out;
}

struct FaultTable::Subscription::Observers {
  std::mutex mutex;
  std::uint64_t next = 1;
  std::vector<std::pair<std::uint64_t, std::shared_ptr<const std::function<void()>>>> list;
};

FaultTable::FaultTable() : observers_(std::make_shared<Subscription::Observers>()) {}
FaultTable::~FaultTable() = default;

FaultTable::Subscription& FaultTable::Subscription::operator=(Subscription&& other) noexcept {
  if (this != &other) {
    reset();
    observers_ = std::move(other.observers_);
    id_ = other.id_;
    other.observers_.reset();
  }
  return *this;
}

void FaultTable::Subscription::reset() {
  if (auto observers = observers_.lock()) {
    std::lock_guard lock(observers->mutex);
    std::erase_if(observers->list, [&](auto& entry) { return entry.first == id_; });
  }
  observers_.reset();
}

FaultTable::Subscription FaultTable::subscribe(std::function<void()> observer) {
  std::lock_guard lock(observers_->mutex);
  auto id = observers_->next++;
  observers_->list.emplace_back(id, std::make_shared<const std::function<void()>>(std::move(observer)));
  return Subscription(observers_, id);
}

bool FaultTable::subscribed(std::uint64_t id) const {
  std::lock_guard lock(observers_->mutex);
  return std::any_of(observers_->list.begin(), observers_->list.end(), [&](auto& entry) { return entry.first == id; });
}

void FaultTable::changed() {
  // A copy, so an observer may subscribe or unsubscribe (itself included) while called.
  decltype(observers_->list) now;
  {
    std::lock_guard lock(observers_->mutex);
    now = observers_->list;
  }
  for (auto& [id, observer] : now) {
    if (!*observer || !subscribed(id)) continue;  // unsubscribed meanwhile: no new call
    (*observer)();
  }
}

}  // namespace maillab::faults
