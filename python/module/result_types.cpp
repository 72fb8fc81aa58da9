#include "result_types.hpp"

#include <pybind11/stl.h>

#include <fmt/format.h>

#include "maillab/connector/connector.hpp"
#include "maillab/connector/events.hpp"
#include "maillab/faults/fault_table.hpp"
#include "maillab/pop3/maildrop.hpp"
#include "maillab/runner/result.hpp"
#include "maillab/smtp/world.hpp"

namespace py = pybind11;

namespace maillab::python {
namespace {

void bind_report(py::module_& m) {
  using R = connector::CycleReport;
  py::class_<R>(m, "CycleReport", "What one connector cycle did")
      .def_readonly("downloaded", &R::downloaded, "Messages stored in Incoming Mail this cycle")
      .def_readonly("delivered", &R::delivered, "Handed on: SMTP 250, or moved into PickUp")
      .def_readonly("failed", &R::failed, "Set aside in Failed Mail")
      .def_readonly("refused", &R::refused, "sbs2003: dropped locally, still on the POP3 server")
      .def_readonly("left", &R::left, "Still in Incoming Mail")
      .def_readonly("errors", &R::errors, "Errors (each also an event)")
      .def_readonly("problems", &R::problems, "One line per error, as `maillab connector` prints them")
      .def_property_readonly("ok", &R::ok, "True when the cycle had no errors")
      .def("__repr__", [](const R& r) {
        return fmt::format("<CycleReport {} downloaded, {} delivered, {} failed, {} refused, {} left, {} errors>",
                           r.downloaded, r.delivered, r.failed, r.refused, r.left, r.errors);
      });
}

void bind_event(py::module_& m) {
  using E = connector::Event;
  py::class_<E>(m, "Event", "An Event Viewer entry the connector wrote")
      .def_readonly("time", &E::time, "ISO 8601, UTC")
      .def_readonly("source", &E::source, "'POP3 Connector' (or the language's own spelling)")
      .def_readonly("category", &E::category, "Download, Delivery ... in the event's language")
      .def_readonly("id", &E::id, "The event id (1046, 12053 ...)")
      .def_readonly("type", &E::type, "Error, Warning, Information in the event's language")
      .def_readonly("description", &E::description, "The text as Event Viewer shows it")
      .def("__repr__", [](const E& e) { return fmt::format("<Event {} {}: {}>", e.id, e.type, e.description); });
}

void bind_departure(py::module_& m) {
  using D = pop3::Departure;
  py::class_<D>(m, "Departure", "A message that left a POP3 maildrop")
      .def_readonly("uid", &D::uid, "Its UIDL")
      .def_readonly("name", &D::name, "Its name in the maildrop")
      .def_readonly("reason", &D::reason, "Why it left (DepartureReason)")
      .def_readonly("session", &D::session, "The session that took it")
      .def("__repr__", [](const D& d) {
        return fmt::format("<Departure {} ({}) {}>", d.name, d.uid, pop3::reason_name(d.reason));
      });
}

void bind_placement(py::module_& m) {
  using P = smtp::Placement;
  py::class_<P>(m, "Placement", "Where the SMTP server put an accepted message for one recipient")
      .def_readonly("id", &P::id, "The queue id the 250 reply named")
      .def_readonly("recipient", &P::recipient, "The envelope recipient")
      .def_readonly("where", &P::where, "A Destination")
      .def_readonly("target", &P::target, "The mailbox, forward or NDR address")
      .def_readonly("folder", &P::folder, "The mailbox folder (Inbox ...)")
      .def_property_readonly("file", [](const P& p) { return p.file.string(); }, "The stored file ('' in memory)")
      .def("__repr__", [](const P& p) {
        return fmt::format("<Placement {} for {}: {} {}{}>", p.id, p.recipient, smtp::destination_name(p.where), p.target,
                           p.folder.empty() ? "" : "/" + p.folder);
      });
}

void bind_check_and_fault(py::module_& m) {
  using C = runner::CheckResult;
  py::class_<C>(m, "Check", "One check of a scenario run")
      .def_readonly("step", &C::step, "steps[3], remedy.steps[1] or conservation")
      .def_readonly("line", &C::line, "The line in the scenario file")
      .def_readonly("what", &C::what, "What was checked (events 1046, folders.Incoming Mail ...)")
      .def_readonly("passed", &C::passed, "Its verdict")
      .def_readonly("detail", &C::detail, "Expected and found")
      .def("__repr__", [](const C& c) {
        return fmt::format("<Check {} {} {}: {}>", c.step, c.what, c.passed ? "passed" : "FAILED", c.detail);
      });
  using F = faults::FaultTable::Entry;
  py::class_<F>(m, "Fault", "A fault installed on a server")
      .def_readonly("id", &F::id, "Its id, for remove_fault()")
      .def_readonly("fault", &F::description, "The fault as a spec")
      .def_readonly("fired", &F::fired, "How often it acted")
      .def("__repr__", [](const F& f) { return fmt::format("<Fault {} {} fired {}>", f.id, f.description, f.fired); });
}

}  // namespace

void bind_result_types(py::module_& m) {
  bind_report(m);
  bind_event(m);
  bind_departure(m);
  bind_placement(m);
  bind_check_and_fault(m);
}

}  // namespace maillab::python
