#!/usr/bin/env python3
"""Consistency check for the programmes shipped with clause9 (library and starter).

This is a content check for maintainers, independent of the Rust validator:
it parses every TOML file, rejects unknown keys, resolves every reference
(people, groups, objectives, areas, base and derived ids in formulas, the
indicator measure), checks decision criteria, and for the starter programme
evaluates samples.csv so that the month-0 statuses documented in
starter/README.md stay true.

    python3 crates/clause9-cli/programmes/check.py [PROGRAMME_DIR...]

Without arguments it checks library/ and starter/ next to this file.
Exit code 0 when everything is fine, 1 otherwise.
"""

import csv
import math
import os
import re
import sys
import tomllib

HERE = os.path.dirname(os.path.abspath(__file__))

MEASURE_ID = re.compile(r"^[A-Z0-9][A-Z0-9._-]*$")
REF_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")
FORMULA_ID = re.compile(r"^[a-z_][a-z0-9_]*$")
PERIOD_MONTH = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")
DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")

FUNCTIONS = {  # name: allowed argument counts
    "min": None, "max": None, "abs": {1}, "round": {1, 2}, "floor": {1},
    "ceil": {1}, "sqrt": {1}, "ln": {1}, "log10": {1}, "if": {3},
}
FREQUENCIES = ["weekly", "monthly", "quarterly", "half-yearly", "yearly"]
AGGREGATES = {"sum", "mean", "min", "max", "last"}
CHARTS = {"line", "bar", "gauge", "table"}

PROGRAMME_KEYS = {"format", "programme", "people", "groups", "objectives", "areas", "sources"}
PROGRAMME_TABLE_KEYS = {"name", "organisation", "timezone", "first_period"}
PERSON_KEYS = {"name", "email"}
OBJECTIVE_KEYS = {"title", "owner", "due"}
AREA_KEYS = {"title", "owner"}
SOURCE_KEYS = {"kind", "tables", "url", "url_env"}

MEASURE_KEYS = {
    "id", "version", "name", "information_need", "kind", "objectives", "controls",
    "area", "unit", "status", "implementation_evidence", "first_period",
    "roles", "frequency", "base", "derived", "indicator", "reporting",
}
MEASURE_REQUIRED = {"id", "version", "name", "information_need", "kind", "objectives",
                    "controls", "area", "unit", "status", "roles", "frequency", "base",
                    "indicator", "reporting"}
ROLE_KEYS = {"owner", "collector", "analyst", "communicator", "customers"}
FREQUENCY_KEYS = {"collection", "reporting", "review", "analysis", "due_days"}
BASE_KEYS = {"id", "description", "method", "source", "query", "min", "max", "evidence",
             "aggregate", "data_source", "unit"}
DERIVED_KEYS = {"id", "formula", "description", "unit"}
INDICATOR_KEYS = {"measure", "direction", "target", "green", "red", "on_red", "interpretation"}
REPORTING_KEYS = {"chart"}

CLAUSES = {"4.1", "4.2", "4.3", "4.4", "5.1", "5.2", "5.3", "6.1", "6.2", "6.3",
           "7.1", "7.2", "7.3", "7.4", "7.5", "8.1", "8.2", "8.3", "9.1", "9.2",
           "9.3", "10.1", "10.2"}
ANNEX_A = ({f"A.5.{i}" for i in range(1, 38)} | {f"A.6.{i}" for i in range(1, 9)}
           | {f"A.7.{i}" for i in range(1, 15)} | {f"A.8.{i}" for i in range(1, 35)})


class Report:
    def __init__(self):
        self.errors = []

    def err(self, path, msg):
        self.errors.append(f"{path}: {msg}")


# ---------------------------------------------------------------- formulas

TOKEN = re.compile(r"\s*(?:(\d+(?:\.\d*)?(?:[eE][+-]?\d+)?|\.\d+)|([A-Za-z_][A-Za-z0-9_]*)|(<=|>=|==|!=|[-+*/^(),<>]))")


def tokenize(text):
    pos, out = 0, []
    text = text.strip()
    while pos < len(text):
        m = TOKEN.match(text, pos)
        if not m or m.end() == pos:
            raise ValueError(f"unexpected character {text[pos]!r} at {pos}")
        num, name, op = m.groups()
        if num is not None:
            out.append(("num", float(num)))
        elif name is not None:
            out.append(("name", name))
        else:
            out.append(("op", op))
        pos = m.end()
    return out


class Parser:
    """Recursive descent: comparison < additive < multiplicative < unary < power < atom."""

    def __init__(self, text):
        self.toks = tokenize(text)
        self.i = 0

    def peek(self):
        return self.toks[self.i] if self.i < len(self.toks) else (None, None)

    def take(self, value=None):
        tok = self.peek()
        if tok[0] is None or (value is not None and tok[1] != value):
            raise ValueError(f"expected {value or 'a token'}, found {tok[1]!r}")
        self.i += 1
        return tok

    def parse(self):
        node = self.comparison()
        if self.i != len(self.toks):
            raise ValueError(f"unexpected {self.peek()[1]!r}")
        return node

    def comparison(self):
        node = self.additive()
        while self.peek() in [("op", o) for o in ("<", "<=", ">", ">=", "==", "!=")]:
            op = self.take()[1]
            node = ("bin", op, node, self.additive())
        return node

    def additive(self):
        node = self.multiplicative()
        while self.peek() in (("op", "+"), ("op", "-")):
            op = self.take()[1]
            node = ("bin", op, node, self.multiplicative())
        return node

    def multiplicative(self):
        node = self.unary()
        while self.peek() in (("op", "*"), ("op", "/")):
            op = self.take()[1]
            node = ("bin", op, node, self.unary())
        return node

    def unary(self):
        if self.peek() == ("op", "-"):
            self.take()
            return ("neg", self.unary())
        return self.power()

    def power(self):
        node = self.atom()
        if self.peek() == ("op", "^"):
            self.take()
            return ("bin", "^", node, self.unary())  # right associative
        return node

    def atom(self):
        kind, value = self.peek()
        if kind == "num":
            self.take()
            return ("num", value)
        if kind == "name":
            self.take()
            if self.peek() == ("op", "("):
                self.take()
                args = [self.comparison()]
                while self.peek() == ("op", ","):
                    self.take()
                    args.append(self.comparison())
                self.take(")")
                return ("call", value, args)
            return ("id", value)
        if (kind, value) == ("op", "("):
            self.take()
            node = self.comparison()
            self.take(")")
            return node
        raise ValueError(f"unexpected {value!r}")


def names_in(node):
    if node[0] == "id":
        yield node[1]
    elif node[0] == "bin":
        yield from names_in(node[2])
        yield from names_in(node[3])
    elif node[0] == "neg":
        yield from names_in(node[1])
    elif node[0] == "call":
        for a in node[2]:
            yield from names_in(a)


def calls_in(node):
    if node[0] == "call":
        yield node[1], len(node[2])
        for a in node[2]:
            yield from calls_in(a)
    elif node[0] == "bin":
        yield from calls_in(node[2])
        yield from calls_in(node[3])
    elif node[0] == "neg":
        yield from calls_in(node[1])


def evaluate(node, env):
    """Evaluate a parsed formula; None means no value (missing input, division by zero...)."""
    t = node[0]
    if t == "num":
        return node[1]
    if t == "id":
        return env.get(node[1])
    if t == "neg":
        v = evaluate(node[1], env)
        return None if v is None else -v
    if t == "bin":
        a, b = evaluate(node[2], env), evaluate(node[3], env)
        if a is None or b is None:
            return None
        op = node[1]
        if op == "+": return a + b
        if op == "-": return a - b
        if op == "*": return a * b
        if op == "/": return None if b == 0 else a / b
        if op == "^":
            try:
                r = a ** b
            except (OverflowError, ZeroDivisionError):
                return None
            return r if isinstance(r, float) and math.isfinite(r) else None
        return float({"<": a < b, "<=": a <= b, ">": a > b, ">=": a >= b,
                      "==": a == b, "!=": a != b}[op])
    if t == "call":
        name, args = node[1], node[2]
        if name == "if":
            c = evaluate(args[0], env)
            if c is None:
                return None
            return evaluate(args[1] if c != 0 else args[2], env)
        vals = [evaluate(a, env) for a in args]
        if any(v is None for v in vals):
            return None
        if name == "min": return min(vals)
        if name == "max": return max(vals)
        if name == "abs": return abs(vals[0])
        if name == "round": return round(vals[0], int(vals[1]) if len(vals) > 1 else 0)
        if name == "floor": return float(math.floor(vals[0]))
        if name == "ceil": return float(math.ceil(vals[0]))
        if name == "sqrt": return math.sqrt(vals[0]) if vals[0] >= 0 else None
        if name == "ln": return math.log(vals[0]) if vals[0] > 0 else None
        if name == "log10": return math.log10(vals[0]) if vals[0] > 0 else None
        return None  # unknown function: already reported by check_measure
    raise ValueError(node)


def status_of(indicator, value):
    if value is None:
        return "no_data"
    green, red = indicator["green"], indicator.get("red")
    if indicator["direction"] == "higher_is_better":
        if value >= green:
            return "green"
        return "red" if red is None or value < red else "amber"
    if value <= green:
        return "green"
    return "red" if red is None or value > red else "amber"


def evaluate_measure(m, base_values):
    env = dict(base_values)
    try:
        parsed = {d["id"]: Parser(d["formula"]).parse() for d in m.get("derived", [])}
    except ValueError:  # already reported by check_measure
        return None, "no_data", env
    pending = dict(parsed)
    while pending:  # derived measures may use each other; cycles are rejected earlier
        progressed = False
        for did, node in list(pending.items()):
            if all(n not in pending for n in names_in(node)):
                env[did] = evaluate(node, env)
                del pending[did]
                progressed = True
        if not progressed:
            break
    value = env.get(m["indicator"]["measure"])
    return value, status_of(m["indicator"], value), env


# ---------------------------------------------------------------- checks

def unknown_keys(rep, path, table, allowed, where):
    if not isinstance(table, dict):
        rep.err(path, f"{where} must be a table")
        return
    for k in table:
        if k not in allowed:
            rep.err(path, f"unknown key {k!r} in {where}")


def check_programme_file(rep, path):
    try:
        with open(path, "rb") as f:
            p = tomllib.load(f)
    except Exception as e:  # noqa: BLE001
        rep.err(path, f"TOML parse error: {e}")
        return None
    unknown_keys(rep, path, p, PROGRAMME_KEYS, "clause9.toml")
    if p.get("format") != 1:
        rep.err(path, "format must be 1")
    prog = p.get("programme", {})
    unknown_keys(rep, path, prog, PROGRAMME_TABLE_KEYS, "[programme]")
    for k in PROGRAMME_TABLE_KEYS:
        if k not in prog:
            rep.err(path, f"[programme] lacks {k}")
    if "first_period" in prog and not PERIOD_MONTH.match(str(prog["first_period"])):
        rep.err(path, "first_period should be a month such as 2025-01")
    people = p.get("people", {})
    groups = p.get("groups", {})
    for pid, person in people.items():
        if not REF_ID.match(pid):
            rep.err(path, f"bad person id {pid!r}")
        unknown_keys(rep, path, person, PERSON_KEYS, f"[people.{pid}]")
        if "name" not in person:
            rep.err(path, f"[people.{pid}] lacks name")
    for gid, members in groups.items():
        if not REF_ID.match(gid):
            rep.err(path, f"bad group id {gid!r}")
        if gid in people:
            rep.err(path, f"group {gid!r} has the same id as a person")
        for mem in members:
            if mem not in people:
                rep.err(path, f"group {gid!r}: unknown person {mem!r}")
    for oid, obj in p.get("objectives", {}).items():
        if not REF_ID.match(oid):
            rep.err(path, f"bad objective id {oid!r}")
        unknown_keys(rep, path, obj, OBJECTIVE_KEYS, f"[objectives.{oid}]")
        if obj.get("owner") not in people and obj.get("owner") not in groups:
            rep.err(path, f"objective {oid}: unknown owner {obj.get('owner')!r}")
        if "due" in obj and not DATE.match(str(obj["due"])):
            rep.err(path, f"objective {oid}: due should be YYYY-MM-DD")
    for aid, area in p.get("areas", {}).items():
        if not REF_ID.match(aid):
            rep.err(path, f"bad area id {aid!r}")
        unknown_keys(rep, path, area, AREA_KEYS, f"[areas.{aid}]")
        if area.get("owner") not in people and area.get("owner") not in groups:
            rep.err(path, f"area {aid}: unknown owner {area.get('owner')!r}")
    for sid, src in p.get("sources", {}).items():
        unknown_keys(rep, path, src, SOURCE_KEYS, f"[sources.{sid}]")
    return p


def check_measure(rep, path, m, prog):
    people = set(prog.get("people", {}))
    groups = set(prog.get("groups", {}))
    parties = people | groups
    unknown_keys(rep, path, m, MEASURE_KEYS, "measure")
    for k in MEASURE_REQUIRED:
        if k not in m:
            rep.err(path, f"missing {k}")
    if not MEASURE_ID.match(str(m.get("id", ""))):
        rep.err(path, f"bad measure id {m.get('id')!r}")
    if not isinstance(m.get("version"), int) or m.get("version", 0) < 1:
        rep.err(path, "version must be a positive integer")
    if m.get("kind") not in ("performance", "effectiveness"):
        rep.err(path, f"bad kind {m.get('kind')!r}")
    if m.get("status") not in ("active", "draft", "retired"):
        rep.err(path, f"bad status {m.get('status')!r}")
    for o in m.get("objectives", []):
        if o not in prog.get("objectives", {}):
            rep.err(path, f"unknown objective {o!r}")
    if m.get("area") not in prog.get("areas", {}):
        rep.err(path, f"unknown area {m.get('area')!r}")
    for c in m.get("controls", []):
        if c not in CLAUSES and c not in ANNEX_A:
            rep.err(path, f"unknown control or clause {c!r}")
    if "first_period" in m and not PERIOD_MONTH.match(str(m["first_period"])):
        rep.err(path, "first_period should be a month")

    roles = m.get("roles", {})
    unknown_keys(rep, path, roles, ROLE_KEYS, "[roles]")
    for r in ("owner", "collector"):
        if r not in roles:
            rep.err(path, f"[roles] lacks {r}")
    for r in ("owner", "collector", "analyst", "communicator"):
        if r in roles and roles[r] not in parties:
            rep.err(path, f"[roles] {r}: unknown person or group {roles[r]!r}")
    for c in roles.get("customers", []):
        if c not in parties:
            rep.err(path, f"[roles] customers: unknown person or group {c!r}")

    freq = m.get("frequency", {})
    unknown_keys(rep, path, freq, FREQUENCY_KEYS, "[frequency]")
    for k in ("collection", "reporting", "review", "analysis"):
        if k in freq and freq[k] not in FREQUENCIES:
            rep.err(path, f"[frequency] {k}: bad frequency {freq[k]!r}")
    for k in ("collection", "reporting", "review"):
        if k not in freq:
            rep.err(path, f"[frequency] lacks {k}")
    if "collection" in freq and "reporting" in freq and freq["reporting"] in FREQUENCIES and \
            FREQUENCIES.index(freq["reporting"]) < FREQUENCIES.index(freq["collection"]):
        rep.err(path, "reporting is more frequent than collection")
    if "due_days" in freq and (not isinstance(freq["due_days"], int) or freq["due_days"] < 0):
        rep.err(path, "due_days must be a non-negative integer")

    ids = {}
    for b in m.get("base", []):
        unknown_keys(rep, path, b, BASE_KEYS, f"[[base]] {b.get('id')}")
        bid = b.get("id", "")
        if not FORMULA_ID.match(bid) or bid in FUNCTIONS:
            rep.err(path, f"bad base id {bid!r}")
        if bid in ids:
            rep.err(path, f"duplicate id {bid!r}")
        ids[bid] = "base"
        if not b.get("description"):
            rep.err(path, f"base {bid}: no description")
        method = b.get("method")
        if method == "manual":
            if "source" in b or "query" in b:
                rep.err(path, f"base {bid}: a manual base has no source or query")
        elif method == "query":
            if b.get("source") not in prog.get("sources", {}):
                rep.err(path, f"base {bid}: unknown source {b.get('source')!r}")
            if not b.get("query"):
                rep.err(path, f"base {bid}: query missing")
        else:
            rep.err(path, f"base {bid}: bad method {method!r}")
        if b.get("evidence", "optional") not in ("required", "optional"):
            rep.err(path, f"base {bid}: bad evidence {b.get('evidence')!r}")
        if b.get("aggregate", "sum") not in AGGREGATES:
            rep.err(path, f"base {bid}: bad aggregate {b.get('aggregate')!r}")
        if "min" in b and "max" in b and b["min"] > b["max"]:
            rep.err(path, f"base {bid}: min > max")
    if not m.get("base"):
        rep.err(path, "no [[base]]")

    deps = {}
    for d in m.get("derived", []):
        unknown_keys(rep, path, d, DERIVED_KEYS, f"[[derived]] {d.get('id')}")
        did = d.get("id", "")
        if not FORMULA_ID.match(did) or did in FUNCTIONS:
            rep.err(path, f"bad derived id {did!r}")
        if did in ids:
            rep.err(path, f"duplicate id {did!r}")
        ids[did] = "derived"
    for d in m.get("derived", []):
        did = d.get("id", "")
        try:
            node = Parser(d.get("formula", "")).parse()
        except ValueError as e:
            rep.err(path, f"derived {did}: formula error: {e}")
            continue
        for name in names_in(node):
            if name not in ids:
                rep.err(path, f"derived {did}: unknown identifier {name!r}")
        for name, n in calls_in(node):
            if name not in FUNCTIONS:
                rep.err(path, f"derived {did}: unknown function {name!r}")
            elif FUNCTIONS[name] is not None and n not in FUNCTIONS[name]:
                rep.err(path, f"derived {did}: {name} takes {sorted(FUNCTIONS[name])} arguments, not {n}")
            elif FUNCTIONS[name] is None and n < 1:
                rep.err(path, f"derived {did}: {name} needs arguments")
        deps[did] = {n for n in names_in(node) if ids.get(n) == "derived"}
    # cycles among derived measures
    state = {}

    def visit(n, stack):
        if state.get(n) == 1:
            rep.err(path, f"derived cycle: {' -> '.join(stack + [n])}")
            return
        if state.get(n) == 2:
            return
        state[n] = 1
        for x in deps.get(n, ()):
            visit(x, stack + [n])
        state[n] = 2
    for n in deps:
        visit(n, [])

    ind = m.get("indicator", {})
    unknown_keys(rep, path, ind, INDICATOR_KEYS, "[indicator]")
    if ind.get("measure") not in ids:
        rep.err(path, f"indicator measure {ind.get('measure')!r} is not a base or derived id")
    direction = ind.get("direction")
    if direction not in ("higher_is_better", "lower_is_better"):
        rep.err(path, f"bad direction {direction!r}")
    green, red = ind.get("green"), ind.get("red")
    if not isinstance(green, (int, float)):
        rep.err(path, "indicator green missing")
    elif red is not None:
        if direction == "higher_is_better" and green < red:
            rep.err(path, f"green {green} is worse than red {red}")
        if direction == "lower_is_better" and green > red:
            rep.err(path, f"green {green} is worse than red {red}")
    if ind.get("on_red") not in (None, "nonconformity", "review"):
        rep.err(path, f"bad on_red {ind.get('on_red')!r}")
    rp = m.get("reporting", {})
    unknown_keys(rep, path, rp, REPORTING_KEYS, "[reporting]")
    if rp.get("chart") not in CHARTS:
        rep.err(path, f"bad chart {rp.get('chart')!r}")


def load_measures(rep, root, prog):
    measures = {}
    mdir = os.path.join(root, "measures")
    for dirpath, _, files in sorted(os.walk(mdir)):
        for fn in sorted(files):
            if not fn.endswith(".toml"):
                continue
            path = os.path.join(dirpath, fn)
            try:
                with open(path, "rb") as f:
                    m = tomllib.load(f)
            except Exception as e:  # noqa: BLE001
                rep.err(path, f"TOML parse error: {e}")
                continue
            check_measure(rep, path, m, prog)
            mid = m.get("id")
            if mid in measures:
                rep.err(path, f"duplicate measure id {mid!r} (also in {measures[mid][0]})")
            measures[mid] = (path, m)
    return measures


def theme_of(control):
    return {"A.5": "organizational", "A.6": "people", "A.7": "physical",
            "A.8": "technological"}.get(control[:3], "clauses")


def summarise(root, measures):
    by_folder, by_kind, themes = {}, {}, {}
    for path, m in measures.values():
        folder = os.path.relpath(os.path.dirname(path), os.path.join(root, "measures"))
        by_folder.setdefault(folder, {"performance": 0, "effectiveness": 0})[m["kind"]] += 1
        by_kind[m["kind"]] = by_kind.get(m["kind"], 0) + 1
        for c in m.get("controls", []):
            themes.setdefault(theme_of(c), set()).add(m["id"])
    return by_folder, by_kind, themes


def check_samples(rep, root, measures):
    path = os.path.join(root, "samples.csv")
    if not os.path.exists(path):
        return None
    with open(path, newline="") as f:
        reader = csv.DictReader(f)
        if reader.fieldnames != ["months_ago", "measure", "base", "value", "evidence"]:
            rep.err(path, f"unexpected header {reader.fieldnames}")
        rows = list(reader)
    values = {}
    for n, row in enumerate(rows, start=2):
        mid, bid = row["measure"], row["base"]
        if mid not in measures:
            rep.err(path, f"line {n}: unknown measure {mid!r}")
            continue
        m = measures[mid][1]
        base = next((b for b in m["base"] if b["id"] == bid), None)
        if base is None:
            rep.err(path, f"line {n}: unknown base {bid!r} for {mid}")
            continue
        ago = int(row["months_ago"])
        value = float(row["value"])
        if "min" in base and value < base["min"] or "max" in base and value > base["max"]:
            rep.err(path, f"line {n}: {mid}.{bid} = {value} outside [{base.get('min')}, {base.get('max')}]")
        ev = row["evidence"]
        if ev:
            if ev.startswith("https://"):
                pass
            elif not ev.startswith("evidence/") or not os.path.isfile(os.path.join(root, ev)):
                rep.err(path, f"line {n}: evidence {ev!r} is not a file under evidence/ or an https URL")
        elif base.get("evidence") == "required":
            rep.err(path, f"line {n}: {mid}.{bid} requires evidence")
        key = (ago, mid, bid)
        if key in values:
            rep.err(path, f"line {n}: duplicate value for months_ago={ago} {mid}.{bid}")
        values[key] = value
    for mid, (_, m) in measures.items():
        for b in m["base"]:
            for ago in range(11, -1, -1):
                if (ago, mid, b["id"]) not in values:
                    rep.err(path, f"no value for months_ago={ago} {mid}.{b['id']}")
    results = {}
    for ago in range(11, -1, -1):
        for mid, (_, m) in measures.items():
            bv = {b["id"]: values.get((ago, mid, b["id"])) for b in m["base"]}
            value, status, _ = evaluate_measure(m, bv)
            results[(ago, mid)] = (value, status)
    return results


def check_dir(root, expect):
    rep = Report()
    prog = check_programme_file(rep, os.path.join(root, "clause9.toml"))
    if prog is None:
        return rep, None
    measures = load_measures(rep, root, prog)
    by_folder, by_kind, themes = summarise(root, measures)
    print(f"== {os.path.relpath(root)}: {len(measures)} measures")
    for folder, counts in sorted(by_folder.items()):
        print(f"   {folder:16} performance {counts['performance']:3}  effectiveness {counts['effectiveness']:3}")
    print(f"   kinds: {by_kind}")
    print(f"   measures citing each theme: " + ", ".join(f"{k} {len(v)}" for k, v in sorted(themes.items())))
    if expect == "library":
        if len(measures) < 40:
            rep.err(root, f"the library needs at least 40 measures, has {len(measures)}")
        for t in ("organizational", "people", "physical", "technological"):
            if not themes.get(t):
                rep.err(root, f"no measure cites an Annex A control of the {t} theme")
        for path, m in measures.values():
            for b in m["base"]:
                if b.get("method") != "manual" or not b.get("data_source"):
                    rep.err(path, f"library base {b['id']}: must be manual with a data_source")
            if not m.get("implementation_evidence"):
                rep.err(path, "library measure without implementation_evidence")
            for r in ("analyst", "communicator", "customers"):
                if r not in m.get("roles", {}):
                    rep.err(path, f"library measure without [roles] {r}")
    if expect == "starter":
        if len(measures) != 5:
            rep.err(root, f"the starter must have exactly 5 measures, has {len(measures)}")
        for path, m in measures.values():
            if m["frequency"].get("collection") != "monthly":
                rep.err(path, "starter measures are collected monthly")
        results = check_samples(rep, root, measures)
        if results is None:
            rep.err(root, "samples.csv missing")
        else:
            print("   month-0 evaluation of samples.csv:")
            statuses = set()
            for mid in sorted(measures):
                value, status = results[(0, mid)]
                statuses.add(status)
                shown = "no value" if value is None else f"{value:.2f}"
                print(f"     {mid:10} {shown:>8}  {status}")
            print("   trend (months_ago 11 .. 0):")
            for mid in sorted(measures):
                vals = [results[(a, mid)][0] for a in range(11, -1, -1)]
                print(f"     {mid:10} " + " ".join("  -  " if v is None else f"{v:5.1f}" for v in vals))
            for s in ("green", "amber", "red"):
                if s not in statuses:
                    rep.err(root, f"no starter measure is {s} at months_ago=0")
    return rep, measures


def main(argv):
    dirs = argv[1:] or [os.path.join(HERE, "library"), os.path.join(HERE, "starter")]
    failed = False
    for d in dirs:
        expect = os.path.basename(os.path.normpath(d))
        rep, _ = check_dir(d, expect)
        for e in rep.errors:
            print("ERROR", e)
        failed |= bool(rep.errors)
    print("FAILED" if failed else "OK")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
