// SPDX-License-Identifier: MIT
// Contracts for the trace-paths node test (tests/integration/trace_paths.sh): a wrapped native coin
// with WETH9's events, a token, a Uniswap-V2-style pair (constant product, 0.3% fee) and a router
// that wraps the ETH it is paid and swaps it through the pair.
pragma solidity ^0.8.20;

contract Weth {
    event Transfer(address indexed src, address indexed dst, uint256 wad);
    event Deposit(address indexed dst, uint256 wad);
    event Withdrawal(address indexed src, uint256 wad);
    mapping(address => uint256) public balanceOf;

    function deposit() public payable {
        balanceOf[msg.sender] += msg.value;
        emit Deposit(msg.sender, msg.value);
    }

    function withdraw(uint256 wad) external {
        balanceOf[msg.sender] -= wad;
        payable(msg.sender).transfer(wad);
        emit Withdrawal(msg.sender, wad);
    }

    function transfer(address dst, uint256 wad) external returns (bool) {
        balanceOf[msg.sender] -= wad;
        balanceOf[dst] += wad;
        emit Transfer(msg.sender, dst, wad);
        return true;
    }
}

contract Token {
    event Transfer(address indexed from, address indexed to, uint256 value);
    string public constant symbol = "TOK";
    uint8 public constant decimals = 18;
    mapping(address => uint256) public balanceOf;

    function mint(address to, uint256 value) external {
        balanceOf[to] += value;
        emit Transfer(address(0), to, value);
    }

    function transfer(address to, uint256 value) external returns (bool) {
        balanceOf[msg.sender] -= value;
        balanceOf[to] += value;
        emit Transfer(msg.sender, to, value);
        return true;
    }
}

contract Pair {
    Weth public immutable weth;
    Token public immutable tok;
    uint256 public reserveWeth;
    uint256 public reserveTok;

    constructor(Weth w, Token t) {
        weth = w;
        tok = t;
    }

    function sync() external {
        reserveWeth = weth.balanceOf(address(this));
        reserveTok = tok.balanceOf(address(this));
    }

    /// WETH sent in since the last swap buys TOK for `to`.
    function swapWethForTok(address to) external returns (uint256 out) {
        uint256 amountIn = weth.balanceOf(address(this)) - reserveWeth;
        out = (amountIn * 997 * reserveTok) / (reserveWeth * 1000 + amountIn * 997);
        tok.transfer(to, out);
        reserveWeth += amountIn;
        reserveTok -= out;
    }
}

contract Router {
    Weth public immutable weth;

    constructor(Weth w) {
        weth = w;
    }

    function swapExactETHForTokens(Pair pair, address to) external payable returns (uint256) {
        weth.deposit{value: msg.value}();
        weth.transfer(address(pair), msg.value);
        return pair.swapWethForTok(to);
    }
}
