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

bool FaultTable::refusing() const {
  if (empty()) return false;
  std::lock_guard lock(mutex_);
  return std::any_of(faults_.begin(), faults_.end(), [](auto& e) { return e.second->layer() == Layer::Listener; });
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

void FaultTable::on_change(std::function<void()> callback) {
  std::lock_guard lock(mutex_);
  on_change_ = std::move(callback);
}

void FaultTable::changed() {
  std::function<void()> cb;
  {
    std::lock_guard lock(mutex_);
    cb = on_change_;
  }
  if (cb) cb();
}

}  // namespace maillab::faults
