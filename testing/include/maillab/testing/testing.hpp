#pragma once
// maillab::testing in one include: the servers, the connector sandbox, the matchers and
// the catalog as parameterised tests (docs/testing.md).
#include "maillab/testing/catalog.hpp"
#include "maillab/testing/connector_sandbox.hpp"
#include "maillab/testing/matchers.hpp"
#include "maillab/testing/servers.hpp"
