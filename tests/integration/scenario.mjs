// Drives a local anvil node for the node integration test (see docs/testing-node.md).
//   node scenario.mjs genesis OUT.json              geth-style genesis: the only opening balances
//   node scenario.mjs run RPC OUT.json              sends the scenario, writes touched accounts/tokens
//   node scenario.mjs check RPC TOUCHED CHAINWARD DATA_DIR
//                                                   chainward balance == node balance, every block
//   node scenario.mjs missing-internal RPC TOUCHED CHAINWARD DATA_DIR
//                                                   a store without traces must get internal gains wrong
//   node scenario.mjs wait-ready RPC                 until eth_chainId answers 31337 (at most 20 s)
//   node scenario.mjs proxy RPC PORT METHOD[,METHOD]|- [flaky] forwards to RPC, answering "method not found"
//     for METHODs; with flaky, also HTTP 503 on every third request and a 1.5 s stall on every seventh
// Transactions are sent one at a time (anvil's pool races concurrent sends).
import { createRequire } from "node:module";
import { execFileSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import http from "node:http";
import path from "node:path";
import { fileURLToPath } from "node:url";

const here = path.dirname(fileURLToPath(import.meta.url));
const require = createRequire(path.join(here, "..", "node", "package.json"));
const { ethers } = require("ethers");
const solc = require("solc");

const CHAIN_ID = 31337;
const COINBASE = "0xc0ffee0000000000000000000000000000000b0b";
const GWEI = 10n ** 9n;
const ETH = 10n ** 18n;
// anvil's well-known development keys (mnemonic "test test ... junk"); --accounts 0 keeps anvil
// from funding them, so the genesis alloc below is every opening balance.
const KEYS = [
  "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80",
  "0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d",
  "0x5de4111afa1a4b94908f83103eb1f1706367c2e68ca870fc3fb9a804cdab365a",
  "0x7c852118294e51e653712a81e05800f419141751be58f605c371e15141b007a6",
  "0x47e179ec197488593b187f80a00eb0da91f1b9d0b13f8733639f19c30a34926a",
  "0x8b3a350cf5c34c9194ca85829a2df0ec3153be0318b5e2d3348e872092edffba",
  "0x92db14e403b83dfe3df233f83dfa3a0d7096f21ca9b0d6d6b8d88b2b4ec1564e",
];
// Odd amounts so that a lost wei anywhere shows.
const openingBalance = (i) => 1000n * ETH + BigInt(i + 1) * 1_000_003_000_000_007n;
// Keyless recipients: they only ever receive.
const PLAIN = {
  G: "0x00000000000000000000000000000000000000a1",
  H: "0x00000000000000000000000000000000000000a2",
  I: "0x00000000000000000000000000000000000000a3",
  J: "0x00000000000000000000000000000000000000a4",
};
const ZERO = ethers.ZeroAddress;

function fail(msg) {
  console.error(`scenario: FAIL: ${msg}`);
  process.exit(1);
}

async function rpc(url, method, params) {
  const res = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ jsonrpc: "2.0", id: 1, method, params }),
  });
  const j = await res.json();
  if (j.error) throw new Error(`${method}: ${JSON.stringify(j.error)}`);
  return j.result;
}

/// Many calls in one JSON-RPC batch; results in call order.
async function rpcBatch(url, calls) {
  if (!calls.length) return [];
  const body = calls.map(([method, params], id) => ({ jsonrpc: "2.0", id, method, params }));
  const res = await fetch(url, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
  const out = [];
  for (const r of await res.json()) {
    if (r.error) throw new Error(`${calls[r.id][0]} ${JSON.stringify(calls[r.id][1])}: ${JSON.stringify(r.error)}`);
    out[r.id] = r.result;
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
function writeGenesis(out) {
  const alloc = {};
  KEYS.forEach((k, i) => {
    alloc[new ethers.Wallet(k).address] = { balance: "0x" + openingBalance(i).toString(16) };
  });
  const genesis = {
    config: {
      chainId: CHAIN_ID,
      homesteadBlock: 0, eip150Block: 0, eip155Block: 0, eip158Block: 0, byzantiumBlock: 0,
      constantinopleBlock: 0, petersburgBlock: 0, istanbulBlock: 0, berlinBlock: 0, londonBlock: 0,
      mergeNetsplitBlock: 0, terminalTotalDifficulty: 0, terminalTotalDifficultyPassed: true,
      shanghaiTime: 0, cancunTime: 0, pragueTime: 0,
    },
    nonce: "0x0",
    timestamp: "0x0",
    extraData: "0x",
    gasLimit: "0x1c9c380",
    difficulty: "0x0",
    mixHash: ethers.ZeroHash,
    // anvil takes its block author from here: the priority fees go to this keyless address.
    coinbase: COINBASE,
    baseFeePerGas: "0x" + GWEI.toString(16),
    alloc,
  };
  writeFileSync(out, JSON.stringify(genesis, null, 2) + "\n");
}

function compile() {
  const input = {
    language: "Solidity",
    sources: { "scenario.sol": { content: readFileSync(path.join(here, "scenario.sol"), "utf8") } },
    settings: { evmVersion: "cancun", optimizer: { enabled: true, runs: 200 }, outputSelection: { "*": { "*": ["abi", "evm.bytecode.object"] } } },
  };
  const out = JSON.parse(solc.compile(JSON.stringify(input)));
  const errors = (out.errors || []).filter((e) => e.severity === "error");
  if (errors.length) fail("solc: " + errors.map((e) => e.formattedMessage).join("\n"));
  const c = {};
  for (const [name, v] of Object.entries(out.contracts["scenario.sol"])) c[name] = { abi: v.abi, bytecode: "0x" + v.evm.bytecode.object };
  return c;
}

// ---------------------------------------------------------------------------------------------
async function runScenario(url, outFile) {
  const provider = new ethers.JsonRpcProvider(url, CHAIN_ID, { staticNetwork: true, pollingInterval: 50 });
  const w = KEYS.map((k) => new ethers.Wallet(k, provider));
  const [A, B, C, D, E, F, K] = w;
  const C_ = compile();
  const nonces = new Map();
  const touched = new Set();
  const touch = (a) => touched.add(ethers.getAddress(a));
  [ZERO, COINBASE, ...Object.values(PLAIN), ...w.map((x) => x.address)].forEach(touch);
  const iface = Object.fromEntries(Object.entries(C_).map(([n, c]) => [n, new ethers.Interface(c.abi)]));
  const expectFailed = [];

  async function nextNonce(wallet) {
    if (!nonces.has(wallet.address)) nonces.set(wallet.address, await provider.getTransactionCount(wallet.address, "latest"));
    const n = nonces.get(wallet.address);
    nonces.set(wallet.address, n + 1);
    return n;
  }
  async function receipt(hash) {
    for (let i = 0; i < 400; ++i) {
      const r = await rpc(url, "eth_getTransactionReceipt", [hash]);
      if (r) return r;
      await new Promise((res) => setTimeout(res, 25));
    }
    fail(`no receipt for ${hash}`);
  }
  // Signs and sends; with `mine` false the caller mines the block.
  async function send(wallet, tx, { ok = true, mine = true, label = "" } = {}) {
    const req = { chainId: CHAIN_ID, nonce: await nextNonce(wallet), gasLimit: 1_000_000n, ...tx };
    if (req.type === undefined && req.gasPrice === undefined) {
      req.type = 2;
      req.maxFeePerGas ??= 20n * GWEI;
      req.maxPriorityFeePerGas ??= 1n * GWEI + 17n;
    }
    const signed = await wallet.signTransaction(await wallet.populateTransaction(req));
    const hash = await rpc(url, "eth_sendRawTransaction", [signed]);
    if (!mine) return { hash, ok, label };
    return checkReceipt({ hash, ok, label });
  }
  async function checkReceipt({ hash, ok, label }) {
    const r = await receipt(hash);
    const status = r.status === "0x1";
    if (status !== ok) fail(`${label || hash}: status ${r.status}, expected ${ok ? "success" : "failure"}`);
    if (!ok) expectFailed.push(hash);
    if (r.contractAddress && ok) touch(r.contractAddress);
    return r;
  }
  async function deploy(wallet, name, args = [], opts = {}) {
    const data = new ethers.ContractFactory(C_[name].abi, C_[name].bytecode).interface.encodeDeploy(args);
    const r = await send(wallet, { data: C_[name].bytecode + data.slice(2), value: opts.value ?? 0n }, { label: `deploy ${name}` });
    return new ethers.Contract(r.contractAddress, C_[name].abi, provider);
  }
  const call = (wallet, contract, fn, args, tx = {}, opts = {}) =>
    send(wallet, { to: contract.target ?? contract, data: contract.interface.encodeFunctionData(fn, args), ...tx }, { label: fn, ...opts });

  // Plain ETH transfers: EIP-1559 with a priority fee, legacy, access-list, to the zero address,
  // to oneself, zero value.
  await send(A, { to: B.address, value: 1_500_000_000_000_000_001n, maxPriorityFeePerGas: 2n * GWEI + 3n }, { label: "1559" });
  await send(A, { to: C.address, value: 333_333_333_333_333_333n, type: 0, gasPrice: 3n * GWEI + 1n }, { label: "legacy" });
  await send(B, { to: D.address, value: 77_777n, type: 1, gasPrice: 2n * GWEI, accessList: [] }, { label: "access list" });
  await send(C, { to: ZERO, value: 12_345n, gasLimit: 21_000n }, { label: "to zero" });
  await send(D, { to: D.address, value: 1n }, { label: "self" });
  await send(E, { to: PLAIN.G, value: 0n }, { label: "zero value" });
  await send(E, { to: PLAIN.G, value: 5n * ETH + 11n }, { label: "to keyless" });

  // ERC-20: deploy (mint), transfer, approve + transferFrom, burn, mint, zero amount, to self.
  const token = await deploy(A, "TestToken", [1_000_000n * ETH]);
  await call(A, token, "transfer", [B.address, 250n * ETH + 1n]);
  await call(A, token, "approve", [C.address, 100n * ETH]);
  await call(C, token, "transferFrom", [A.address, D.address, 40n * ETH + 3n]);
  await call(B, token, "burn", [10n * ETH + 1n]);
  await call(D, token, "mint", [E.address, 7n]);
  await call(E, token, "transfer", [F.address, 0n]);
  await call(D, token, "transfer", [D.address, 5n]);
  await call(B, token, "transfer", [PLAIN.H, 3n * ETH]);

  // Internal forwarding: recipients gain in CALL frames that no log shows.
  const fwd = await deploy(B, "Forwarder");
  await call(B, fwd, "forward", [F.address], { value: 2n * ETH + 9n });
  await call(C, fwd, "split", [PLAIN.H, PLAIN.I], { value: 1_000_000_000_000_000_010n });
  await send(D, { to: fwd.target, value: 123n }, { label: "receive" });

  // A reverted inner call inside try/catch: the outer transaction succeeds, nothing moves inside.
  const rej = await deploy(C, "Rejecter");
  const tc = await deploy(C, "TryCatcher");
  await call(A, token, "transfer", [rej.target, 1000n]);
  await call(D, tc, "attempt", [rej.target, PLAIN.J, token.target], { value: ETH + 1n });

  // Top-level failures pay their fee and move nothing else: a reverted call with value, a
  // contract creation with value whose constructor rejects it (Forwarder's is not payable).
  await call(E, rej, "take", [PLAIN.J, token.target], { value: ETH / 2n, gasLimit: 200_000n }, { ok: false });
  await send(E, { data: C_.Forwarder.bytecode, value: 4n * ETH, gasLimit: 300_000n }, { ok: false, label: "failed create" });

  // Contract creation with value; a delegatecall proxy paying out from its own balance.
  const impl = await deploy(A, "PayImpl");
  const proxy = await deploy(A, "DelegateProxy", [impl.target], { value: 2n * ETH + 5n });
  const proxied = new ethers.Contract(proxy.target, C_.PayImpl.abi, provider);
  await call(E, proxied, "payOut", [PLAIN.H, 300_000_000_000_000_007n], { value: ETH });

  // SELFDESTRUCT after Cancun: an old contract only sends its balance; it stays and can receive again.
  const doomed = await deploy(A, "Doomed", [], { value: 770_000_000_000_000_000n });
  await send(B, { to: doomed.target, value: 5n }, { label: "to doomed" });
  await call(C, doomed, "destroy", [PLAIN.I]);
  await send(B, { to: doomed.target, value: 3n }, { label: "to destroyed" });

  // Inner CREATE/CREATE2 with value; created and destroyed in one transaction.
  const factory = await deploy(D, "Factory");
  const children = async () => touch(await factory.lastChild());
  await call(D, factory, "create", [ETH / 4n], { value: ETH });
  await children();
  await call(D, factory, "create2", [ETH / 10n, ethers.id("salt")], { value: ETH / 10n });
  await children();
  await call(E, factory, "createAndDestroy", [ETH / 8n + 1n, PLAIN.J], { value: ETH / 8n + 1n });
  await children();
  if (process.env.CHAINWARD_NODE_TEST_SKIP_BURN !== "1") {
    // Destroyed to itself in its creating transaction: the ETH leaves circulation (EIP-6780).
    await call(E, factory, "createAndBurn", [ETH / 16n], { value: ETH / 16n });
    await children();
  }

  // EIP-4844: a blob transaction carrying one zero blob (its KZG commitment and proof are both
  // the point at infinity, so no KZG library is needed). blobGasUsed x blobGasPrice is burnt on
  // top of the gas fee; the balance check below sees it.
  const infinity = "0xc0" + "00".repeat(47);
  const blob = await send(E, { type: 3, to: PLAIN.H, value: 5n, maxFeePerGas: 20n * GWEI, maxPriorityFeePerGas: GWEI, maxFeePerBlobGas: 1000n,
    blobs: [{ data: "0x" + "00".repeat(131072), commitment: infinity, proof: infinity }] }, { label: "blob" });
  if (!blob.blobGasUsed || BigInt(blob.blobGasUsed) === 0n || !blob.blobGasPrice) fail(`blob transaction: receipt lacks blob gas: ${JSON.stringify(blob)}`);

  // EIP-7702: an account delegates to Forwarder's code, then forwards ETH as an inner call.
  const auth = await K.authorize({ address: fwd.target, nonce: (await provider.getTransactionCount(K.address)) + 1, chainId: CHAIN_ID });
  await send(K, { type: 4, to: K.address, value: 0n, authorizationList: [auth] }, { label: "7702 authorize" });
  await send(A, { to: K.address, data: fwd.interface.encodeFunctionData("forward", [PLAIN.G]), value: 444n }, { label: "7702 forward" });

  // A wrapped native coin at a test-chain address (not mainnet's WETH9): ingest must recognise it
  // by what it does, without --weth. Deposits paid by the transaction and by an inner call,
  // withdrawals paid back by an inner call, transfers.
  const wnat = await deploy(A, "WrappedNative");
  await call(A, wnat, "deposit", [], { value: 3n * ETH + 7n });
  await send(B, { to: wnat.target, value: ETH + 5n, gasLimit: 200_000n }, { label: "wrap by plain transfer" });
  await call(A, wnat, "transfer", [C.address, ETH + 1n]);
  await call(A, wnat, "withdraw", [ETH / 2n + 3n]);
  const wrouter = await deploy(C, "WrapRouter");
  await call(C, wrouter, "wrapFor", [wnat.target, D.address], { value: 2n * ETH + 9n });
  await call(D, wnat, "transfer", [wrouter.target, ETH + 2n]);
  await call(D, wrouter, "unwrapTo", [wnat.target, PLAIN.G, ETH + 2n]);
  // A deposit inside a frame that reverts: nothing is minted.
  await call(F, wrouter, "tryWrap", [wnat.target], { value: ETH / 5n });
  // Decoys: the Deposit and Withdrawal topics without the value, and value sent to the decoy in
  // a reverted frame before it claims a Deposit of exactly that amount.
  const decoy = await deploy(E, "DecoyWrapper");
  await call(E, decoy, "fake", [E.address, 5n * ETH]);
  const trickster = await deploy(E, "Trickster");
  await call(E, trickster, "run", [decoy.target], { value: ETH / 3n });

  // Several transactions in one block, including a failure: fees must come from each receipt's
  // own gasUsed, not the cumulative one.
  await rpc(url, "evm_setAutomine", [false]);
  const pending = [
    await call(A, fwd, "forward", [PLAIN.I], { value: 31n }, { mine: false }),
    await call(B, rej, "take", [PLAIN.J, ZERO], { value: 1000n, gasLimit: 100_000n }, { ok: false, mine: false }),
    await call(D, token, "transfer", [PLAIN.G, 1n], {}, { mine: false }),
    await send(F, { to: PLAIN.H, value: 99n, type: 0, gasPrice: 5n * GWEI }, { mine: false, label: "legacy in block" }),
    await call(C, tc, "attempt", [rej.target, PLAIN.J, token.target], { value: 1_000n }, { mine: false }),
  ];
  await rpc(url, "evm_mine", []);
  await rpc(url, "evm_setAutomine", [true]);
  const minedIn = new Set();
  for (const p of pending) minedIn.add((await checkReceipt(p)).blockNumber);
  if (minedIn.size !== 1) fail(`the batched transactions landed in ${minedIn.size} blocks`);

  // Every account whose balance the node changed (its own prestate diff): nothing is left out.
  const head = Number(await rpc(url, "eth_blockNumber", []));
  for (let b = 1; b <= head; ++b) {
    const traces = await rpc(url, "debug_traceBlockByNumber", ["0x" + b.toString(16), { tracer: "prestateTracer", tracerConfig: { diffMode: true } }]);
    for (const t of traces) for (const side of ["pre", "post"]) for (const a of Object.keys(t.result[side] || {})) touch(a);
  }
  // Token holders: every address in the token's Transfer logs.
  const holdersOf = async (address, events) => {
    const set = new Set();
    for (const ev of events) {
      const logs = await provider.getLogs({ address, topics: [ethers.id(ev)], fromBlock: 0, toBlock: head });
      for (const l of logs) for (const t of l.topics.slice(1)) set.add(ethers.getAddress(ethers.dataSlice(t, 12)));
    }
    return [...set].sort();
  };
  const holders = new Set(await holdersOf(token.target, ["Transfer(address,address,uint256)"]));
  // Wrapped-coin holders: every address in its Deposit, Withdrawal and Transfer events; the
  // decoy's "holders" must all have nothing.
  const wrapEvents = ["Deposit(address,uint256)", "Withdrawal(address,uint256)", "Transfer(address,address,uint256)"];
  const wnatHolders = await holdersOf(wnat.target, wrapEvents);
  const decoyHolders = await holdersOf(decoy.target, wrapEvents);
  if (wnatHolders.length < 4 || decoyHolders.length < 2) fail(`too few wrapped-coin holders: ${wnatHolders} / ${decoyHolders}`);

  const summary = {
    head,
    coinbase: COINBASE,
    accounts: [...touched].sort(),
    tokens: [
      { address: token.target, holders: [...holders].sort() },
      { address: wnat.target, holders: wnatHolders },
      { address: decoy.target, holders: decoyHolders },
    ],
    // Gains only through internal calls: a store without traces must miss them.
    internal_only: [F.address, PLAIN.I],
    failed_txs: expectFailed,
  };
  writeFileSync(outFile, JSON.stringify(summary, null, 2) + "\n");
  console.log(`scenario: ${head} blocks, ${summary.accounts.length} accounts, ${holders.size} token holders, ${expectFailed.length} failed transactions`);
}

// ---------------------------------------------------------------------------------------------
function chainwardBalance(bin, dataDir, address, asset, block) {
  const out = execFileSync(bin, ["balance", address, "--asset", asset, "--at", String(block), "--json", "--data-dir", dataDir], { encoding: "utf8" });
  const j = JSON.parse(out);
  if (j.address.toLowerCase() !== address.toLowerCase()) fail(`chainward balance answered for ${j.address}, asked ${address}`);
  return j.balance;
}

/// Compares at block 0, at the head, and at every block where the node's balance changed: a
/// transfer booked in the wrong block or lost in between shows up.
async function check(url, touchedFile, bin, dataDir) {
  const t = JSON.parse(readFileSync(touchedFile, "utf8"));
  const tag = (b) => "0x" + b.toString(16);
  const erc20 = new ethers.Interface(["function balanceOf(address) view returns (uint256)", "function totalSupply() view returns (uint256)"]);
  const mismatches = [];
  let compared = 0;
  const compare = (what, b, got, want) => {
    ++compared;
    if (got !== want) mismatches.push(`block ${b}: ${what}: chainward ${got}, node ${want} (chainward - node = ${BigInt(got) - BigInt(want)})`);
  };
  const prevEth = new Map(), prevTok = new Map();
  for (let b = 0; b <= t.head; ++b) {
    const node = await rpcBatch(url, t.accounts.map((a) => ["eth_getBalance", [a, tag(b)]]));
    t.accounts.forEach((a, i) => {
      const want = BigInt(node[i]).toString();
      if (b === 0 || b === t.head || prevEth.get(a) !== want) compare(`${a} ETH`, b, chainwardBalance(bin, dataDir, a, "native", b), want);
      prevEth.set(a, want);
    });
    for (const tok of t.tokens) {
      const code = await rpc(url, "eth_getCode", [tok.address, tag(b)]);
      if (code === "0x") continue; // not deployed yet
      const calls = tok.holders.map((h) => ["eth_call", [{ to: tok.address, data: erc20.encodeFunctionData("balanceOf", [h]) }, tag(b)]]);
      calls.push(["eth_call", [{ to: tok.address, data: erc20.encodeFunctionData("totalSupply", []) }, tag(b)]]);
      const res = await rpcBatch(url, calls);
      res.pop();  // totalSupply
      tok.holders.forEach((h, i) => {
        // The zero address holds nothing on the token, and in chainward it is no party to mints
        // and burns (they come from and go to none): both say 0.
        const want = BigInt(res[i]).toString();
        const key = `${tok.address} ${h}`;
        if (b === t.head || prevTok.get(key) !== want) compare(`${h} token ${tok.address}`, b, chainwardBalance(bin, dataDir, h, tok.address, b), want);
        prevTok.set(key, want);
      });
    }
  }
  if (mismatches.length) fail(`${mismatches.length} of ${compared} balances differ:\n  ${mismatches.join("\n  ")}`);
  console.log(`scenario: ${compared} balances equal the node's (blocks 0..${t.head}, ${t.accounts.length} accounts, ${t.tokens.reduce((n, x) => n + x.holders.length, 0)} token holders)`);
}

/// With --no-traces the internal-only recipients must come out wrong: proves traces are used.
async function missingInternal(url, touchedFile, bin, dataDir) {
  const t = JSON.parse(readFileSync(touchedFile, "utf8"));
  for (const a of t.internal_only) {
    const want = BigInt(await rpc(url, "eth_getBalance", [a, "0x" + t.head.toString(16)]));
    const got = BigInt(chainwardBalance(bin, dataDir, a, "native", t.head));
    if (got >= want) fail(`without traces ${a} should miss its internal gains, but chainward has ${got} and the node ${want}`);
  }
  console.log(`scenario: without traces the internal-only recipients lack their gains, as they must`);
}

/// A JSON-RPC proxy that pretends not to know some methods, to exercise chainward's fallbacks.
/// With `flaky`, it also answers every third request with HTTP 503 and stalls every seventh for
/// 1.5 s (past chainward's --timeout-ms in the test), to exercise retries with backoff.
function proxy(url, port, denied, flaky) {
  const deny = new Set(denied === "-" ? [] : denied.split(","));
  let requests = 0;
  const answer = (r) => ({ jsonrpc: "2.0", id: r.id, error: { code: -32601, message: `the method ${r.method} does not exist/is not available` } });
  http
    .createServer(async (req, res) => {
      let body = "";
      for await (const chunk of req) body += chunk;
      const n = ++requests;
      if (flaky === "flaky" && n % 3 === 1) {
        res.statusCode = 503;
        res.end("busy");
        return;
      }
      if (flaky === "flaky" && n % 7 === 3) await new Promise((r) => setTimeout(r, 1500));
      const parsed = JSON.parse(body);
      const items = Array.isArray(parsed) ? parsed : [parsed];
      const pass = items.filter((r) => !deny.has(r.method));
      let forwarded = [];
      if (pass.length) {
        const up = await fetch(url, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(pass) });
        forwarded = await up.json();
      }
      const byId = new Map(forwarded.map((r) => [r.id, r]));
      const out = items.map((r) => (deny.has(r.method) ? answer(r) : byId.get(r.id)));
      res.setHeader("content-type", "application/json");
      res.end(JSON.stringify(Array.isArray(parsed) ? out : out[0]));
    })
    .listen(port, "127.0.0.1");
}

async function waitReady(url) {
  for (let i = 0; i < 400; ++i) {
    try {
      const id = await rpc(url, "eth_chainId", []);
      if (Number(id) !== CHAIN_ID) fail(`${url} has chain id ${Number(id)}, expected ${CHAIN_ID}`);
      return;
    } catch (e) {
      if (e.message.startsWith("scenario")) throw e;
      await new Promise((res) => setTimeout(res, 50));
    }
  }
  fail(`${url} did not answer eth_chainId within 20 s`);
}

const [cmd, ...args] = process.argv.slice(2);
try {
  if (cmd === "genesis") writeGenesis(args[0]);
  else if (cmd === "run") await runScenario(args[0], args[1]);
  else if (cmd === "check") await check(...args);
  else if (cmd === "missing-internal") await missingInternal(...args);
  else if (cmd === "wait-ready") await waitReady(args[0]);
  else if (cmd === "proxy") proxy(args[0], Number(args[1]), args[2], args[3]);
  else fail(`unknown command ${cmd}`);
} catch (e) {
  fail(e.stack || String(e));
}
