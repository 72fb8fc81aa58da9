#include "maillab/runner/bisection.hpp"

#include <algorithm>

namespace maillab::runner {
namespace {

std::vector<std::string> without(const std::vector<std::string>& all, const std::vector<std::string>& gone) {
  std::vector<std::string> out;
  for (const auto& f : all)
    if (std::find(gone.begin(), gone.end(), f) == gone.end()) out.push_back(f);
  return out;
}

// Message file names are long (time, mailbox, UIDL): a round's line names at most two.
std::string names(const std::vector<std::string>& files) {
  std::string out;
  for (std::size_t i = 0; i < files.size() && i < 2; ++i) out += (out.empty() ? "" : " ") + files[i];
  if (files.size() > 2) out += " and " + std::to_string(files.size() - 2) + " more";
  return out;
}

class Bisection {
 public:
  explicit Bisection(const BisectionHands& hands) : h_(hands) {}

  BisectionResult run() {
    auto suspects = h_.left_in_incoming();
    if (suspects.empty()) return std::move(r_);
    aside_ = suspects;
    h_.set_aside(suspects);
    r_.record.push_back("moved all " + std::to_string(suspects.size()) + " files out of Incoming Mail");
    while (!suspects.empty()) {
      suspects = narrow(std::move(suspects));
      r_.bad.push_back(suspects.front());
      aside_ = without(aside_, suspects);
      suspects = deliver_the_rest();
    }
    return std::move(r_);
  }

 private:
  // Halves the suspects until one is left: the bad file.
  std::vector<std::string> narrow(std::vector<std::string> suspects) {
    while (suspects.size() > 1) {
      std::vector<std::string> half(suspects.begin(), suspects.begin() + static_cast<long>(suspects.size() / 2));
      auto stayed = cycle_with(half);
      ++r_.rounds;
      std::string line = "round " + std::to_string(r_.rounds) + ": put back " + std::to_string(half.size()) + " of " +
                         std::to_string(suspects.size()) + " suspects (" + names(half) + "); ";
      if (stayed.empty()) {
        suspects = without(suspects, half);
        line += "all delivered, so the bad file is among the " + std::to_string(suspects.size()) + " still set aside";
      } else {
        h_.set_aside(stayed);
        suspects = stayed;
        line += std::to_string(stayed.size()) + " stayed in Incoming Mail (" + names(stayed) + "): the new suspects";
      }
      r_.record.push_back(std::move(line));
    }
    r_.record.push_back("bad: " + suspects.front() + " (left in Set Aside)");
    return suspects;
  }

  // Everything set aside but the bad files goes back; what stays now holds another bad file.
  std::vector<std::string> deliver_the_rest() {
    if (aside_.empty()) return {};
    auto rest = aside_;
    auto stayed = cycle_with(rest);
    ++r_.delivery_passes;
    r_.record.push_back("put back the other " + std::to_string(rest.size()) + " files: " +
                        (stayed.empty() ? std::string("all delivered")
                                        : std::to_string(stayed.size()) + " stayed (" + names(stayed) + ")"));
    aside_ = stayed;
    if (!stayed.empty()) h_.set_aside(stayed);
    return stayed;
  }

  std::vector<std::string> cycle_with(const std::vector<std::string>& files) {
    h_.put_back(files);
    aside_ = without(aside_, files);
    h_.retrieve_now();
    auto stayed = h_.left_in_incoming();
    // Only the files put back count: anything else in Incoming Mail came in this cycle.
    std::vector<std::string> out;
    for (const auto& f : stayed)
      if (std::find(files.begin(), files.end(), f) != files.end()) out.push_back(f);
    for (const auto& f : files)
      if (std::find(out.begin(), out.end(), f) != out.end()) aside_.push_back(f);
    return out;
  }

  const BisectionHands& h_;
  std::vector<std::string> aside_;  // the files this procedure holds in Set Aside
  BisectionResult r_;
};

}  // namespace

BisectionResult bisect_incoming_mail(const BisectionHands& hands) { return Bisection(hands).run(); }

}  // namespace maillab::runner
