#pragma once
// The seeds' own words for each cause (seed_quotes.cpp is generated from the seed files).
#include "maillab/doctor/doctor.hpp"

namespace maillab::doctor {

struct SeedQuote {
  const char* de_seed = "";  // "seed 000", "seed 002", "seed 004"
  const char* de = "";
  const char* ja_seed = "";  // "seed 003" or ""
  const char* ja = "";
};
SeedQuote seed_quote(Cause cause);

}  // namespace maillab::doctor
