// SPDX-License-Identifier: MIT
// Contracts for the node integration test: each one makes the node move value in a way that
// only receipts, logs or call traces reveal.
pragma solidity 0.8.28;

/// A plain ERC-20 with mint and burn (Transfer from/to the zero address).
contract TestToken {
    string public constant name = "Test Token";
    string public constant symbol = "TT";
    uint8 public constant decimals = 18;
    uint256 public totalSupply;
    mapping(address => uint256) public balanceOf;
    mapping(address => mapping(address => uint256)) public allowance;

    event Transfer(address indexed from, address indexed to, uint256 value);
    event Approval(address indexed owner, address indexed spender, uint256 value);

    constructor(uint256 supply) {
        _mint(msg.sender, supply);
    }

    function mint(address to, uint256 value) external {
        _mint(to, value);
    }

    function burn(uint256 value) external {
        balanceOf[msg.sender] -= value;
        totalSupply -= value;
        emit Transfer(msg.sender, address(0), value);
    }

    function transfer(address to, uint256 value) external returns (bool) {
        _move(msg.sender, to, value);
        return true;
    }

    function approve(address spender, uint256 value) external returns (bool) {
        allowance[msg.sender][spender] = value;
        emit Approval(msg.sender, spender, value);
        return true;
    }

    function transferFrom(address from, address to, uint256 value) external returns (bool) {
        allowance[from][msg.sender] -= value;
        _move(from, to, value);
        return true;
    }

    function _mint(address to, uint256 value) internal {
        totalSupply += value;
        balanceOf[to] += value;
        emit Transfer(address(0), to, value);
    }

    function _move(address from, address to, uint256 value) internal {
        balanceOf[from] -= value;
        balanceOf[to] += value;
        emit Transfer(from, to, value);
    }
}

/// Forwards ETH in internal calls: the recipients' gains appear in no log.
contract Forwarder {
    function forward(address payable to) external payable {
        (bool ok, ) = to.call{value: msg.value}("");
        require(ok, "forward failed");
    }

    /// A third to `a`, the rest to `b`, one wei kept here.
    function split(address payable a, address payable b) external payable {
        uint256 third = msg.value / 3;
        a.transfer(third);
        b.transfer(msg.value - third - 1);
    }

    receive() external payable {}
}

/// Passes half of what it gets on, moves a token, then reverts: none of it may count.
contract Rejecter {
    function take(address payable passOn, TestToken token) external payable {
        (bool ok, ) = passOn.call{value: msg.value / 2}("");
        require(ok);
        if (address(token) != address(0)) token.transfer(passOn, 1);
        revert("rejected");
    }
}

/// Calls a Rejecter inside try/catch: the outer transaction succeeds, the inner value stays here.
contract TryCatcher {
    event Caught(uint256 value);

    function attempt(Rejecter r, address payable passOn, TestToken token) external payable {
        try r.take{value: msg.value}(passOn, token) {} catch {
            emit Caught(msg.value);
        }
        // The same through a low-level call whose failure is ignored.
        (bool ok, ) = address(r).call{value: 1}(abi.encodeCall(Rejecter.take, (passOn, token)));
        ok;
    }
}

/// Implementation behind a delegatecall proxy: pays out from the proxy's own balance.
contract PayImpl {
    function payOut(address payable to, uint256 amount) external payable {
        (bool ok, ) = to.call{value: amount}("");
        require(ok, "payOut failed");
    }
}

/// A delegatecall proxy: the DELEGATECALL frame moves no value even where a tracer shows one.
contract DelegateProxy {
    address public immutable impl;

    constructor(address implementation) payable {
        impl = implementation;
    }

    fallback() external payable {
        (bool ok, ) = impl.delegatecall(msg.data);
        require(ok, "delegatecall failed");
    }

    receive() external payable {}
}

/// Holds ETH and self-destructs to a beneficiary.
contract Doomed {
    constructor() payable {}

    receive() external payable {}

    function destroy(address payable beneficiary) external {
        selfdestruct(beneficiary);
    }
}

/// Creates contracts with value in inner CREATE/CREATE2 frames, some destroyed in the same transaction.
contract Factory {
    Doomed public lastChild;

    function create(uint256 value) external payable returns (Doomed c) {
        c = new Doomed{value: value}();
        lastChild = c;
    }

    function create2(uint256 value, bytes32 salt) external payable returns (Doomed c) {
        c = new Doomed{value: value, salt: salt}();
        lastChild = c;
    }

    /// Created and destroyed in one transaction: the whole account goes (EIP-6780), its ETH to `beneficiary`.
    function createAndDestroy(uint256 value, address payable beneficiary) external payable returns (Doomed c) {
        c = new Doomed{value: value}();
        lastChild = c;
        c.destroy(beneficiary);
    }

    /// Created and destroyed to itself in one transaction: its ETH is destroyed, not moved.
    function createAndBurn(uint256 value) external payable returns (Doomed c) {
        c = new Doomed{value: value}();
        lastChild = c;
        c.destroy(payable(address(c)));
    }

    receive() external payable {}
}

/// A wrapped native coin as WETH9 works (deposit mints, withdraw pays back, Deposit and
/// Withdrawal events), deployed at whatever address the test chain gives it.
contract WrappedNative {
    event Approval(address indexed src, address indexed guy, uint256 wad);
    event Transfer(address indexed src, address indexed dst, uint256 wad);
    event Deposit(address indexed dst, uint256 wad);
    event Withdrawal(address indexed src, uint256 wad);

    mapping(address => uint256) public balanceOf;
    mapping(address => mapping(address => uint256)) public allowance;

    receive() external payable { deposit(); }

    function deposit() public payable {
        balanceOf[msg.sender] += msg.value;
        emit Deposit(msg.sender, msg.value);
    }

    function withdraw(uint256 wad) external {
        require(balanceOf[msg.sender] >= wad);
        balanceOf[msg.sender] -= wad;
        payable(msg.sender).transfer(wad);
        emit Withdrawal(msg.sender, wad);
    }

    function totalSupply() external view returns (uint256) { return address(this).balance; }

    function approve(address guy, uint256 wad) external returns (bool) {
        allowance[msg.sender][guy] = wad;
        emit Approval(msg.sender, guy, wad);
        return true;
    }

    function transfer(address dst, uint256 wad) external returns (bool) { return transferFrom(msg.sender, dst, wad); }

    function transferFrom(address src, address dst, uint256 wad) public returns (bool) {
        require(balanceOf[src] >= wad);
        if (src != msg.sender && allowance[src][msg.sender] != type(uint256).max) {
            require(allowance[src][msg.sender] >= wad);
            allowance[src][msg.sender] -= wad;
        }
        balanceOf[src] -= wad;
        balanceOf[dst] += wad;
        emit Transfer(src, dst, wad);
        return true;
    }
}

/// Wraps and unwraps through inner calls, as a DEX router does; and a wrap inside a frame that
/// reverts (caught), which mints nothing.
contract WrapRouter {
    receive() external payable {}

    function wrapFor(WrappedNative w, address to) external payable {
        w.deposit{value: msg.value}();
        w.transfer(to, msg.value);
    }

    function unwrapTo(WrappedNative w, address payable to, uint256 wad) external {
        w.withdraw(wad);
        (bool ok, ) = to.call{value: wad}("");
        require(ok);
    }

    function wrapThenRevert(WrappedNative w) external payable {
        w.deposit{value: msg.value}();
        revert("undone");
    }

    function tryWrap(WrappedNative w) external payable {
        try this.wrapThenRevert{value: msg.value}(w) {} catch {}
    }
}

/// Emits WETH9's Deposit and Withdrawal topics without being a wrapped coin: no value moves with
/// `fake`, and the value `takeAndRevert` receives goes back when its frame reverts. It answers
/// balanceOf with 0 for everyone, which is what chainward must show.
contract DecoyWrapper {
    event Deposit(address indexed dst, uint256 wad);
    event Withdrawal(address indexed src, uint256 wad);

    function balanceOf(address) external pure returns (uint256) { return 0; }
    function totalSupply() external pure returns (uint256) { return 0; }

    function fake(address who, uint256 wad) external {
        emit Deposit(who, wad);
        emit Withdrawal(who, wad);
    }

    function takeAndRevert() external payable { revert("no"); }

    function claim(address who, uint256 wad) external { emit Deposit(who, wad); }
}

/// Sends a DecoyWrapper exactly `msg.value` in a frame that reverts, then has it claim a
/// Deposit of that amount in one that does not: the value never arrived.
contract Trickster {
    function run(DecoyWrapper d) external payable {
        try d.takeAndRevert{value: msg.value}() {} catch {}
        d.claim(address(this), msg.value);
    }
}
