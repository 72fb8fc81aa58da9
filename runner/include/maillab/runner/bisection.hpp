#pragma once
// KB 885685, CDO step 4, done as a person does it without knowing which file is bad: move
// every file out of Incoming Mail, put half of the suspects back, "Retrieve now", and
// look at what stayed behind. What stayed (the bad file, and under sbs2003 the files the
// delivery never reached behind it) are the new suspects; when nothing stayed, the bad
// file is among the half still set aside. Each round halves the suspects, so one bad file
// among 16 is found in 4 rounds. Then everything else goes back and is delivered; if
// something stays behind again there is another bad file, and the halving starts over.
//
// The procedure only moves files and runs cycles through `BisectionHands`: the runner
// gives it the sandbox's folders and connector, the unit tests a model of both.
#include <functional>
#include <string>
#include <vector>

namespace maillab::runner {

struct BisectionHands {
  // File names still in Incoming Mail (the connector's order: sorted).
  std::function<std::vector<std::string>()> left_in_incoming;
  std::function<void(const std::vector<std::string>&)> set_aside;  // Incoming Mail -> Set Aside
  std::function<void(const std::vector<std::string>&)> put_back;   // Set Aside -> Incoming Mail
  std::function<void()> retrieve_now;                              // one cycle
};

struct BisectionResult {
  std::vector<std::string> bad;     // stay in Set Aside: delete them, or deliver by hand
  int rounds = 0;                   // halving rounds (cycles spent to find the bad files)
  int delivery_passes = 0;          // cycles that delivered the rest afterwards
  std::vector<std::string> record;  // one line per round, as a person would note it
};

// Ends: every pass names one more bad file or empties Set Aside.
BisectionResult bisect_incoming_mail(const BisectionHands& hands);

}  // namespace maillab::runner
