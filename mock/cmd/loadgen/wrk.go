package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"os"
	"os/exec"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/vendorsuite/contracts/mock/cmd/loadgen/workload"
)

// wrkPlan is how wrk replays a workload: its Lua script and thread count.
type wrkPlan struct {
	script  string
	threads int
}

// planWrk writes the Lua script that makes wrk send a workload's requests
// and check its answers as loadgen does. Workers that advance only on a
// given status (each owns a record whose state the next request depends
// on) get a thread and a connection each, since wrk's Lua can follow a
// connection's answers only when the thread has no other connection;
// otherwise threads share the connections.
func planWrk(sc workload.Workload, nonce string, conc, threads int) (wrkPlan, error) {
	type worker struct {
		reqs      []*workload.Request
		advanceOn int
	}
	var workers []worker
	owned := false
	for w := range conc {
		cy, ok := sc.NewWorker(w, nonce).(workload.Cycler)
		if !ok {
			return wrkPlan{}, fmt.Errorf("workload %s cannot be replayed by wrk (its requests do not repeat in a cycle)", sc.Name)
		}
		reqs, advanceOn := cy.Cycle()
		workers = append(workers, worker{reqs, advanceOn})
		owned = owned || advanceOn != 0
	}
	if sc.Verify != nil {
		return wrkPlan{}, fmt.Errorf("workload %s verifies the state afterwards; run it with loadgen's own engine", sc.Name)
	}
	if owned {
		threads = conc
	}
	threads = max(1, min(threads, conc))
	workers = workers[:threads]

	var b strings.Builder
	fmt.Fprintf(&b, "-- wrk script written by loadgen for workload %s\nlocal workers = {\n", sc.Name)
	for _, w := range workers {
		fmt.Fprintf(&b, "  { advance = %d, reqs = {\n", w.advanceOn)
		for _, r := range w.reqs {
			fmt.Fprintf(&b, "    { method = %s, path = %s, headers = {", luaQuote(r.Method), luaQuote(r.Target))
			names := make([]string, 0, len(r.Header)+1)
			for k := range r.Header {
				names = append(names, k)
			}
			slices.Sort(names)
			for _, k := range names {
				fmt.Fprintf(&b, " [%s] = %s,", luaQuote(k), luaQuote(strings.Join(r.Header[k], ", ")))
			}
			fmt.Fprintf(&b, " [%s] = %s }", luaQuote(workload.Header), luaQuote(sc.Name))
			if r.Body != nil {
				fmt.Fprintf(&b, ", body = %s", luaQuote(string(r.Body)))
			}
			b.WriteString(" },\n")
		}
		b.WriteString("  } },\n")
	}
	fmt.Fprintf(&b, "}\nlocal expect_status, expect_body = %d, %s\n", sc.Status, luaQuote(sc.BodyContains))
	b.WriteString(wrkLua)
	return wrkPlan{script: b.String(), threads: threads}, nil
}

// wrkLua gives each thread its worker, checks every answer and prints the
// totals as one JSON line that runWrk reads.
const wrkLua = `
local threads, next_id = {}, 0

function setup(thread)
  thread:set("id", next_id)
  next_id = next_id + 1
  table.insert(threads, thread)
end

function init(args)
  local w = workers[(id % #workers) + 1]
  advance = w.advance
  reqs = {}
  for i, r in ipairs(w.reqs) do
    reqs[i] = wrk.format(r.method, r.path, r.headers, r.body)
  end
  cur, bad, fives, first = 1, 0, 0, ""
end

function request()
  return reqs[cur]
end

function response(status, headers, body)
  if status >= 500 then
    fives = fives + 1
  end
  if status ~= expect_status or (expect_body ~= "" and not string.find(body, expect_body, 1, true)) then
    bad = bad + 1
    if first == "" then
      first = "status " .. status .. ": " .. string.sub(body, 1, 200)
    end
  end
  if advance == 0 or status == advance then
    cur = cur % #reqs + 1
  end
end

function done(summary, latency, requests)
  local bad, fives, first = 0, 0, ""
  for _, t in ipairs(threads) do
    bad = bad + t:get("bad")
    fives = fives + t:get("fives")
    if first == "" then
      first = t:get("first")
    end
  end
  local e = summary.errors
  io.write(string.format('LOADGEN-WRK {"requests":%d,"duration_us":%d,"p50_us":%d,"p99_us":%d,"bad":%d,"server_errors":%d,"socket_errors":%d}\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(99), bad, fives,
    e.connect + e.read + e.write + e.timeout))
  io.write("LOADGEN-WRK-FIRST " .. string.gsub(first, "[\r\n]", " ") .. "\n")
end
`

// luaQuote writes s as a Lua string literal.
func luaQuote(s string) string {
	var b strings.Builder
	b.WriteByte('"')
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c == '"' || c == '\\':
			b.WriteByte('\\')
			b.WriteByte(c)
		case c < 0x20 || c >= 0x7f:
			fmt.Fprintf(&b, "\\%03d", c)
		default:
			b.WriteByte(c)
		}
	}
	b.WriteByte('"')
	return b.String()
}

// wrkTotals is the line the script's done() prints.
type wrkTotals struct {
	Requests     int     `json:"requests"`
	DurationUs   float64 `json:"duration_us"`
	P50us        float64 `json:"p50_us"`
	P99us        float64 `json:"p99_us"`
	Bad          int     `json:"bad"`
	ServerErrors int     `json:"server_errors"`
	SocketErrors int     `json:"socket_errors"`
	first        string
}

// runWrk drives the load with wrk and reads its totals.
func runWrk(ctx context.Context, bin, base string, plan wrkPlan, conc int, dur time.Duration) (wrkTotals, string, error) {
	dir, err := os.MkdirTemp("", "loadgen-wrk")
	if err != nil {
		return wrkTotals{}, "", err
	}
	defer os.RemoveAll(dir)
	script := dir + "/workload.lua"
	if err := os.WriteFile(script, []byte(plan.script), 0o600); err != nil {
		return wrkTotals{}, "", err
	}
	// wrk counts whole seconds.
	secs := max(1, int(math.Round(dur.Seconds())))
	args := []string{"-t" + strconv.Itoa(plan.threads), "-c" + strconv.Itoa(conc), "-d" + strconv.Itoa(secs) + "s",
		"--timeout", "10s", "-s", script, base + "/"}
	cmd := exec.CommandContext(ctx, bin, args...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return wrkTotals{}, "", fmt.Errorf("wrk %s: %v: %s", strings.Join(args, " "), err, stderr.Bytes())
	}
	var t wrkTotals
	found := false
	sc := bufio.NewScanner(bytes.NewReader(out))
	for sc.Scan() {
		line := sc.Text()
		if rest, ok := strings.CutPrefix(line, "LOADGEN-WRK "); ok {
			if err := json.Unmarshal([]byte(rest), &t); err != nil {
				return wrkTotals{}, "", fmt.Errorf("wrk totals %q: %w", rest, err)
			}
			found = true
		} else if rest, ok := strings.CutPrefix(line, "LOADGEN-WRK-FIRST "); ok {
			t.first = strings.TrimSpace(rest)
		}
	}
	if !found {
		return wrkTotals{}, "", errors.New("wrk printed no totals: " + string(out))
	}
	return t, fmt.Sprintf("wrk -t%d -c%d", plan.threads, conc), nil
}
