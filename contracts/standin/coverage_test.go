package standin_test

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/onsi/ginkgo/v2/types"

	"github.com/vendorsuite/contracts/contracts/support"
)

// coverageHeading opens contracts/README.md's table of the vendor pages'
// documented behaviour and the specs that guard it.
const coverageHeading = "## Coverage of the vendor pages"

var backticked = regexp.MustCompile("`([^`]+)`")

// The coverage table names real specs, and every spec of a documented
// error is in it: the table cannot drift from the suite unnoticed.
func TestCoverageTableMatchesTheSpecs(t *testing.T) {
	// The suite lists its specs in a dry run (ginkgo's PreviewSpecs would
	// need the suite's package, and would disturb its real run there).
	jsonReport := filepath.Join(t.TempDir(), "specs.json")
	cmd := exec.Command(binaries(t).suite, "-ginkgo.dry-run", "-ginkgo.no-color", "-ginkgo.json-report="+jsonReport)
	cmd.Dir = filepath.Join(repoRoot, "contracts")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("listing the specs: %v\n%s", err, out)
	}
	raw, err := os.ReadFile(jsonReport)
	if err != nil {
		t.Fatal(err)
	}
	var reports []types.Report
	if err := json.Unmarshal(raw, &reports); err != nil || len(reports) != 1 {
		t.Fatalf("reading the spec list: %v (%d suites)", err, len(reports))
	}
	specs := map[string][]string{}
	for _, s := range reports[0].SpecReports {
		if s.LeafNodeType == types.NodeTypeIt {
			specs[s.FullText()] = s.Labels()
		}
	}
	if len(specs) < 100 {
		t.Fatalf("the preview found %d specs", len(specs))
	}
	readme, err := os.ReadFile(filepath.Join(repoRoot, "contracts", "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	_, table, ok := strings.Cut(string(readme), coverageHeading)
	if !ok {
		t.Fatalf("contracts/README.md has no %q", coverageHeading)
	}
	named := map[string]bool{}
	rows := 0
	for _, line := range strings.Split(table, "\n") {
		if strings.HasPrefix(line, "## ") {
			break
		}
		cells := strings.Split(line, " | ")
		if !strings.HasPrefix(line, "| ") || len(cells) < 4 || strings.HasPrefix(line, "|---") {
			continue
		}
		rows++
		for _, m := range backticked.FindAllStringSubmatch(cells[2], -1) {
			name := m[1]
			if name == "none" {
				continue
			}
			if _, ok := specs[name]; !ok {
				t.Errorf("the coverage table names %q, which is no spec", name)
			}
			named[name] = true
		}
	}
	if rows < 40 {
		t.Errorf("the coverage table has %d rows", rows)
	}
	for name, labels := range specs {
		if slices.Contains(labels, support.LabelDocumentedError) && !named[name] {
			t.Errorf("the documented-error spec %q is not in the coverage table", name)
		}
	}
}
