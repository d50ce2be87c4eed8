// The trace-paths node test (see trace_paths.sh and docs/tracing.md "Paths"):
//   node trace_paths.mjs run RPC OUT.json LABELS.csv   deploys trace_paths.sol, sends the theft, the
//                                                       swap and the onward hops; writes hashes,
//                                                       addresses and a labels file
//   node trace_paths.mjs check CHAINWARD DATA_DIR OUT.json LABELS.csv
//                                                       every path of every report equals the path
//                                                       written by hand below
// Uses the genesis of scenario.mjs (the same dev keys and opening balances).
import { createRequire } from "node:module";
import { execFileSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const here = path.dirname(fileURLToPath(import.meta.url));
const require = createRequire(path.join(here, "..", "node", "package.json"));
const { ethers } = require("ethers");
const solc = require("solc");

const CHAIN_ID = 31337;
const GWEI = 10n ** 9n;
const ETH = 10n ** 18n;
// anvil's dev keys 0, 1, 2 and 6 (funded by scenario.mjs's genesis)
const KEYS = {
  victim: "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80",
  thief: "0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d",
  hop: "0x5de4111afa1a4b94908f83103eb1f1706367c2e68ca870fc3fb9a804cdab365a",
  deployer: "0x92db14e403b83dfe3df233f83dfa3a0d7096f21ca9b0d6d6b8d88b2b4ec1564e",
};
// keyless receivers
const H2 = ethers.getAddress("0x00000000000000000000000000000000000000b2");
const H3 = ethers.getAddress("0x00000000000000000000000000000000000000b3");

function fail(msg) {
  console.error(`trace_paths: FAIL: ${msg}`);
  process.exit(1);
}

function compile() {
  const input = {
    language: "Solidity",
    sources: { "trace_paths.sol": { content: readFileSync(path.join(here, "trace_paths.sol"), "utf8") } },
    settings: { evmVersion: "cancun", optimizer: { enabled: true, runs: 200 }, outputSelection: { "*": { "*": ["abi", "evm.bytecode.object"] } } },
  };
  const out = JSON.parse(solc.compile(JSON.stringify(input)));
  const errors = (out.errors || []).filter((e) => e.severity === "error");
  if (errors.length) fail("solc: " + errors.map((e) => e.formattedMessage).join("\n"));
  const c = {};
  for (const [name, v] of Object.entries(out.contracts["trace_paths.sol"])) c[name] = { abi: v.abi, bytecode: "0x" + v.evm.bytecode.object };
  return c;
}

async function run(url, outFile, labelsFile) {
  const provider = new ethers.JsonRpcProvider(url, CHAIN_ID, { staticNetwork: true, pollingInterval: 50 });
  const w = Object.fromEntries(Object.entries(KEYS).map(([k, v]) => [k, new ethers.NonceManager(new ethers.Wallet(v, provider))]));
  const C = compile();
  const fees = { maxFeePerGas: 20n * GWEI, maxPriorityFeePerGas: GWEI, gasLimit: 1_000_000n, type: 2, chainId: CHAIN_ID };
  async function send(wallet, tx) {
    const r = await (await wallet.sendTransaction({ ...fees, ...tx })).wait();
    if (r.status !== 1) fail(`transaction ${r.hash} failed`);
    return r;
  }
  async function deploy(name, args = []) {
    const f = new ethers.ContractFactory(C[name].abi, C[name].bytecode, w.deployer);
    const r = await send(w.deployer, await f.getDeployTransaction(...args));
    return new ethers.Contract(r.contractAddress, C[name].abi, provider);
  }
  const call = (wallet, contract, fn, args, value = 0n) =>
    send(wallet, { to: contract.target, data: contract.interface.encodeFunctionData(fn, args), value });

  const weth = await deploy("Weth");
  const tok = await deploy("Token");
  const pair = await deploy("Pair", [weth.target, tok.target]);
  const router = await deploy("Router", [weth.target]);
  // liquidity: 1,000,000 TOK and 100 WETH
  await call(w.deployer, tok, "mint", [pair.target, 1_000_000n * ETH]);
  await call(w.deployer, weth, "deposit", [], 100n * ETH);
  await call(w.deployer, weth, "transfer", [pair.target, 100n * ETH]);
  await call(w.deployer, pair, "sync", []);

  const V = await w.victim.getAddress(), T = await w.thief.getAddress(), H1 = await w.hop.getAddress();
  // the theft, the swap (router wraps 4 ETH and swaps it through the pair for T), then onward hops
  const drain = await send(w.victim, { to: T, value: 10n * ETH + 7n });
  const swap = await call(w.thief, router, "swapExactETHForTokens", [pair.target, T], 4n * ETH);
  const got = await tok.balanceOf(T);
  if (got === 0n) fail("the swap paid no TOK");
  const hop1 = await call(w.thief, tok, "transfer", [H1, (got * 2n) / 3n]);
  const hop2 = await call(w.hop, tok, "transfer", [H2, (got * 2n) / 3n / 2n]);
  const eth = await send(w.thief, { to: H3, value: 3n * ETH + 1n });
  const head = eth.blockNumber;  // the last transaction (the provider caches the block number)
  const a = (x) => ethers.getAddress(x);
  writeFileSync(
    outFile,
    JSON.stringify(
      {
        head,
        tx: { drain: drain.hash, swap: swap.hash, hop1: hop1.hash, hop2: hop2.hash, eth: eth.hash },
        addr: { V: a(V), T: a(T), H1: a(H1), H2, H3, router: a(router.target), pair: a(pair.target), weth: a(weth.target) },
      },
      null,
      2,
    ) + "\n",
  );
  writeFileSync(labelsFile, `address,entity,category\n${a(router.target)},Router,dex\n${a(pair.target)},Pair,dex\n${a(weth.target)},Wrapped ETH,token\n`);
}

// ---- check: expected paths, written by hand (docs/tracing.md "Paths") --------------------------
function check(bin, dataDir, outFile, labelsFile) {
  const S = JSON.parse(readFileSync(outFile, "utf8"));
  const { V, T, H1, H2, H3, router, pair, weth } = S.addr;
  const X = S.tx;
  const step = (from, to, tx) => ({ from, to, tx });
  const trace = (args) => JSON.parse(execFileSync(bin, ["trace", "--data-dir", dataDir, "--json", ...args], { encoding: "utf8" }));
  const name = (a) => Object.entries(S.addr).find(([, v]) => v === a)?.[0] ?? a;
  const show = (p) => p.map((s) => `${name(s.from)}->${name(s.to)}@${Object.entries(X).find(([, v]) => v === s.tx)?.[0] ?? s.tx}`).join(" ");
  let checked = 0;

  // Every path: simple, a chain, in chain order, ends at `end`; and equal to the expected one.
  function expectPaths(what, holdings, want, end) {
    const got = new Map();
    for (const h of holdings) {
      const p = h.path;
      if (h.path_hops !== p.length || h.path_omitted !== 0) fail(`${what}: ${name(h.address)}: path_hops ${h.path_hops}, ${p.length} steps, omitted ${h.path_omitted}`);
      const seen = new Set(p.length ? [p[0].from] : []);
      for (let i = 0; i < p.length; ++i) {
        if (seen.has(p[i].to)) fail(`${what}: ${name(h.address)}: address twice in ${show(p)}`);
        seen.add(p[i].to);
        if (i > 0 && p[i - 1].to !== p[i].from) fail(`${what}: ${name(h.address)}: not a chain: ${show(p)}`);
        if (i > 0 && p[i - 1].block > p[i].block) fail(`${what}: ${name(h.address)}: not in chain order: ${show(p)}`);
      }
      if (p.length && p[p.length - 1].to !== end(h)) fail(`${what}: ${name(h.address)}: path ends at ${name(p[p.length - 1].to)}`);
      const key = name(h.address);
      const prev = got.get(key);
      if (prev !== undefined && show(prev) !== show(p)) fail(`${what}: ${key}: two holdings with different paths`);
      got.set(key, p);
    }
    const keys = [...got.keys()].sort();
    const wantKeys = Object.keys(want).map(name).sort();
    if (JSON.stringify(keys) !== JSON.stringify(wantKeys)) fail(`${what}: holdings at ${keys.join(",")}, expected ${wantKeys.join(",")}`);
    for (const [addr, steps] of Object.entries(want)) {
      const p = got.get(name(addr)).map((s) => step(s.from, s.to, s.tx));
      if (JSON.stringify(p) !== JSON.stringify(steps)) fail(`${what}: ${name(addr)}: path ${show(p)}, expected ${show(steps)}`);
      ++checked;
    }
    console.log(`${what}: ${Object.keys(want).length} holdings, paths as expected`);
  }

  for (const model of ["poison", "haircut"]) {
    // 1. From the theft, the router, WETH and the pair labelled (converters): the swap converts
    //    T's ETH into TOK in place (no step through the converters); TOK goes on to H1 and H2.
    const a = trace(["--tx", X.drain, "--labels", labelsFile, "--model", model]);
    expectPaths(`--tx drain (labelled) ${model}`, a.at_rest, {
      [T]: [step(V, T, X.drain)],
      [H1]: [step(V, T, X.drain), step(T, H1, X.hop1)],
      [H2]: [step(V, T, X.drain), step(T, H1, X.hop1), step(H1, H2, X.hop2)],
      [H3]: [step(V, T, X.drain), step(T, H3, X.eth)],
    }, (h) => h.address);
    // 2. The swap transaction itself, nothing labelled (the report of the issue): every transfer of
    //    the swap is a source; T, the router and the pair send in it, so each is a source (no step);
    //    WETH keeps the router's 4 ETH (one step from the router); TOK goes on from T.
    const b = trace(["--tx", X.swap, "--model", model]);
    expectPaths(`--tx swap (unlabelled) ${model}`, b.at_rest, {
      [weth]: [step(router, weth, X.swap)],
      [pair]: [],
      [T]: [],
      [H1]: [step(T, H1, X.hop1)],
      [H2]: [step(T, H1, X.hop1), step(H1, H2, X.hop2)],
    }, (h) => h.address);
  }
  // 3. The theft, nothing labelled: the router, WETH and pair are plain; WETH mints without a
  //    converter, so the taint stays with the ETH (at WETH) and with what T kept and sent on.
  const c = trace(["--tx", X.drain, "--model", "poison"]);
  expectPaths("--tx drain (unlabelled) poison", c.at_rest, {
    [T]: [step(V, T, X.drain)],
    [weth]: [step(V, T, X.drain), step(T, router, X.swap), step(router, weth, X.swap)],
    [H3]: [step(V, T, X.drain), step(T, H3, X.eth)],
  }, (h) => h.address);
  // 4. Backward from H2 (haircut, labelled): its TOK is explained through the swap by T's ETH,
  //    which came from T's opening balance and from V's (the theft).
  const d = trace(["--backward", "--address", H2, "--labels", labelsFile, "--model", "haircut"]);
  expectPaths("--backward H2", d.origins, {
    [V]: [step(V, T, X.drain), step(T, H1, X.hop1), step(H1, H2, X.hop2)],
    [T]: [step(T, H1, X.hop1), step(H1, H2, X.hop2)],
  }, () => H2);
  for (const o of d.origins) if (o.kind !== "created") fail(`--backward H2: origin ${name(o.address)} is ${o.kind}, expected created`);
  for (const t of d.totals) if (!t.balanced || t.unexplained !== "0") fail(`--backward H2: ${t.asset_name} not balanced`);
  // 5. DOT: the edges are the paths' steps
  const dot = execFileSync(bin, ["trace", "--data-dir", dataDir, "--tx", X.drain, "--labels", labelsFile, "--dot"], { encoding: "utf8" });
  const edges = [...dot.matchAll(/a(\d+) -> a(\d+)/g)].length;
  if (edges !== 4) fail(`--dot: ${edges} edges, expected 4 (V->T, T->H1, H1->H2, T->H3)`);
  console.log(`trace_paths: ${checked} paths checked`);
}

const [cmd, ...args] = process.argv.slice(2);
if (cmd === "run") await run(...args);
else if (cmd === "check") check(...args);
else fail(`unknown command ${cmd}`);
