package standin_test

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"
)

// A fenced block tagged sh in README.md or contracts/README.md is a
// command to run as written: every one runs here, in order, in one shell
// per file, so the docs cannot rot. What a reader's machine has and a test
// must not touch is swapped: port 8080 (and 9090) for free ports, the
// vendors' staging URLs for the stand-in vendor, a fixtures file for the
// filled-in example, files the commands write for temporary ones. A curl
// under a "# NNN ..." comment must answer NNN, any other curl a 2xx; a
// command that starts a mockserver runs in the background until the next
// one on its port. Blocks tagged text, yaml or go are not commands.
func TestREADMECommandsRun(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the READMEs' commands")
	}
	dir := t.TempDir()
	fixturesPath, doc, keyEnv := fillExample(t, dir)
	mockserver := binaries(t).mockserver
	world := filepath.Join(dir, "stand-in-world.json")
	writeJSON(t, world, doc)
	vendor := startStandIn(t, mockserver, world)
	port := strings.TrimPrefix(freeAddr(t), "127.0.0.1:")
	otherPort := strings.TrimPrefix(freeAddr(t), "127.0.0.1:")
	myWorld := filepath.Join(dir, "my-world.yaml")
	src, err := os.ReadFile(filepath.Join(repoRoot, "mock", "fixtures", "default.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(myWorld, src, 0o600); err != nil {
		t.Fatal(err)
	}
	swaps := []string{
		"https://api-staging.care360-next.carevalidate.com", vendor.url,
		"https://<cl2c-host>", vendor.url,
		"https://<r1-staging-host>", vendor.url,
		"$HOME/real-target.yaml", fixturesPath,
		"contracts/scenarios/care360/email-moved.yaml", filepath.Join(dir, "email-moved.yaml"),
		"/var/lib/vendor-mock/state.json", filepath.Join(dir, "state.json"),
		"my-world.yaml", myWorld,
		"127.0.0.1:8080", "127.0.0.1:" + port,
		"localhost:8080", "127.0.0.1:" + port,
		"0.0.0.0:8080", "127.0.0.1:" + port,
		"127.0.0.1:9090", "127.0.0.1:" + otherPort,
	}
	for _, file := range []string{"README.md", "contracts/README.md"} {
		t.Run(file, func(t *testing.T) {
			text, err := os.ReadFile(filepath.Join(repoRoot, file))
			if err != nil {
				t.Fatal(err)
			}
			blocks := shellBlocks(string(text))
			if len(blocks) == 0 {
				t.Fatal("no sh blocks")
			}
			script := shellPrelude + strings.Join(blocks, "\n") + "\necho README-COMMANDS-DONE\n"
			script = strings.NewReplacer(swaps...).Replace(script)
			ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
			defer cancel()
			cmd := exec.CommandContext(ctx, "bash", "-c", script)
			cmd.Dir = repoRoot
			cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
			cmd.Cancel = func() error { return syscall.Kill(-cmd.Process.Pid, syscall.SIGTERM) }
			cmd.WaitDelay = 10 * time.Second
			cmd.Env = append(os.Environ(), keyEnv, "ADDR=127.0.0.1:"+port, "MOCK_CONTROL_TOKEN=", "CONTRACT_CONTROL_TOKEN=",
				"CONTRACT_BASE_URL=", "CONTRACT_FIXTURES=", "CONTRACT_SEED=", "CONTRACT_ALLOW_MUTATIONS=", "LABELS=", "GINKGO_FLAGS=",
				"CONTRACT_REPORT="+filepath.Join(dir, "readme-junit.xml"))
			var out bytes.Buffer
			cmd.Stdout, cmd.Stderr = &out, &out
			start := time.Now()
			err = cmd.Run()
			t.Logf("%d blocks in %s", len(blocks), time.Since(start).Round(time.Millisecond))
			if err != nil || !strings.Contains(out.String(), "README-COMMANDS-DONE") {
				t.Fatalf("the commands of %s failed: %v\n%s", file, err, tail(out.String(), 60))
			}
			if testing.Verbose() {
				t.Log("\n" + out.String())
			}
			noSecrets(t, file+"'s commands' output", out.String(), []string{strings.TrimPrefix(keyEnv, "STANDIN_CARE360_KEY=")})
		})
	}
}

func tail(s string, n int) string {
	lines := strings.Split(s, "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}

var statusComment = regexp.MustCompile(`^#\s*(\d{3})\b`)

// skipped lines are commands a test of the docs cannot run: by the
// command's start, why.
var skipped = map[string]string{
	"make test":   "make test runs this check itself",
	"docker run ": "make image-test runs the container image (scripts/release/image-test.sh)",
}

func skipReason(cmd string) string {
	for prefix, why := range skipped {
		if cmd == prefix || (strings.HasSuffix(prefix, " ") && strings.HasPrefix(cmd, prefix)) {
			return why
		}
	}
	return ""
}

// shellBlocks returns the sh blocks of a Markdown text, each rewritten for
// the runner: continuation lines joined, curls checked, servers started in
// the background.
func shellBlocks(md string) []string {
	var blocks []string
	lines := strings.Split(md, "\n")
	for i := 0; i < len(lines); i++ {
		fence := strings.TrimSpace(lines[i])
		if fence != "```sh" {
			continue
		}
		var body []string
		for i++; i < len(lines) && strings.TrimSpace(lines[i]) != "```"; i++ {
			body = append(body, strings.TrimSpace(lines[i]))
		}
		blocks = append(blocks, rewriteBlock(body))
	}
	return blocks
}

func rewriteBlock(lines []string) string {
	var joined []string
	for i := 0; i < len(lines); i++ {
		l := lines[i]
		for strings.HasSuffix(l, `\`) && i+1 < len(lines) {
			i++
			l = strings.TrimSuffix(l, `\`) + " " + lines[i]
		}
		joined = append(joined, l)
	}
	var out []string
	want := ""
	for _, l := range joined {
		cmdText, _, _ := strings.Cut(l, " #")
		cmdText = strings.TrimSpace(cmdText)
		switch {
		case l == "":
			want = ""
		case strings.HasPrefix(l, "#"):
			if m := statusComment.FindStringSubmatch(l); m != nil {
				want = m[1]
			}
		case skipReason(cmdText) != "":
			out = append(out, "# skipped: "+skipReason(cmdText))
		case strings.HasPrefix(cmdText, "curl "):
			out = append(out, fmt.Sprintf("check_curl %q %s", want, strings.TrimPrefix(cmdText, "curl ")))
		case isServer(cmdText):
			out = append(out, "start_server "+strings.TrimSpace(strings.TrimSuffix(cmdText, "&")))
		default:
			out = append(out, l)
		}
	}
	return strings.Join(out, "\n")
}

// isServer tells commands that serve until stopped.
func isServer(cmd string) bool {
	cmd = strings.TrimSuffix(strings.TrimSpace(cmd), "&")
	return strings.TrimSpace(cmd) == "make mock" ||
		(strings.Contains(cmd, "go run ./mock/cmd/mockserver") && !strings.Contains(cmd, "--help"))
}

const shellPrelude = `set -euo pipefail
declare -A servers=()
logs=$(mktemp -d)
stop_server() {
	local p=${servers[$1]:-}
	if [ -n "$p" ]; then
		kill -- "-$p" 2>/dev/null || true
		wait "$p" 2>/dev/null || true
		unset "servers[$1]"
	fi
}
stop_servers() {
	local a
	for a in "${!servers[@]}"; do stop_server "$a"; done
}
trap stop_servers EXIT
# start_server CMD...: a server already on CMD's address stops; CMD starts
# in a session of its own (so all its processes stop together) and must
# answer within 60 s.
start_server() {
	local addr=${ADDR}
	if [[ "$*" =~ --addr\ ([^ ]+) ]]; then addr=${BASH_REMATCH[1]}; fi
	stop_server "$addr"
	echo "+ $* (in the background)"
	setsid bash -c "$*" >"$logs/server.log" 2>&1 &
	servers[$addr]=$!
	local i
	for i in $(seq 600); do
		if [ "$(command curl -s -o /dev/null -w '%{http_code}' "http://$addr/__mock/health")" != 000 ]; then return 0; fi
		sleep 0.1
	done
	echo "no server answered at $addr:" >&2
	cat "$logs/server.log" >&2
	return 1
}
# check_curl STATUS ARGS...: run curl; the answer must have STATUS (any
# 2xx when empty).
check_curl() {
	local want=$1; shift
	local got
	echo "+ curl $*"
	got=$(command curl -sS -o /dev/stderr -w '%{http_code}' "$@") || true
	echo
	if [ -z "$want" ]; then
		[[ "$got" == 2?? ]] || { echo "curl $*: answered $got, want a 2xx" >&2; return 1; }
	elif [ "$got" != "$want" ]; then
		echo "curl $*: answered $got, the README says $want" >&2
		return 1
	fi
}
`

// The runner turns a README block into checked commands.
func TestREADMEBlocksBecomeCheckedCommands(t *testing.T) {
	md := "text\n\n```sh\nB=http://127.0.0.1:8080\n# 404 (inferred): two unknowns\ncurl -s $B/a\ncurl -s $B/b \\\n  -H 'X: y'\n\ncurl -s $B/c\nmake mock &\nmake test\n```\n\n```text\nmake test\n```\n"
	blocks := shellBlocks(md)
	want := "B=http://127.0.0.1:8080\n" +
		`check_curl "404" -s $B/a` + "\n" +
		`check_curl "404" -s $B/b  -H 'X: y'` + "\n" +
		`check_curl "" -s $B/c` + "\n" +
		"start_server make mock\n" +
		"# skipped: make test runs this check itself"
	if len(blocks) != 1 || blocks[0] != want {
		t.Fatalf("got %q\nwant %q", blocks, want)
	}
}
