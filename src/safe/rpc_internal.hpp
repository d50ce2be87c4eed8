// Internal: a minimal JSON-RPC client over cpp-httplib (rpc.cpp), shared by simulate.cpp.
#pragma once

#include <memory>
#include <string>

#include "safe/safe.hpp"

namespace httplib {
class Client;
}

namespace chainward::safe::detail {

class RpcClient {
public:
    explicit RpcClient(const std::string& url);
    ~RpcClient();
    /// The `result` member of the answer as raw JSON text; InputError on transport/node errors.
    std::string call_json(const std::string& method, const std::string& params);
    /// The `result` member when it is a string (QUANTITY / DATA).
    std::string call(const std::string& method, const std::string& params);
    /// eth_call of a no-argument function on `to` at "latest".
    ByteVec eth_call(const Address& to, std::string_view signature);

private:
    std::string base_, path_;
    std::unique_ptr<httplib::Client> client_;
    int id_ = 0;
};

}  // namespace chainward::safe::detail
