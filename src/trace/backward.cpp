// Backward trace (see docs/tracing.md "Backward").
#include "trace/trace.hpp"

namespace chainward::trace {

BackwardResult trace_backward(const Graph& g, AddressId address, const Options& opt) {
    throw InputError("trace: backward tracing is not implemented for this model yet");
}

}  // namespace chainward::trace
