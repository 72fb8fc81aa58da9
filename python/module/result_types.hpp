#pragma once
// The typed results the Python API returns (attributes and a readable repr, not dicts):
// CycleReport, Event, Departure, Placement, Check, Fault.
#include <pybind11/pybind11.h>

namespace maillab::python {

void bind_result_types(pybind11::module_& m);

}  // namespace maillab::python
