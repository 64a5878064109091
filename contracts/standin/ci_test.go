package standin_test

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"

	"github.com/vendorsuite/contracts/contracts/support"
)

// The CI recipe in contracts/ci runs make targets that exist, and the
// staging fixtures template loads with the credentials the GitHub
// workflow passes in (actionlint checks the workflow itself in make lint).
func TestCIRecipe(t *testing.T) {
	makefile, err := os.ReadFile(filepath.Join(repoRoot, "Makefile"))
	if err != nil {
		t.Fatal(err)
	}
	target := regexp.MustCompile(`(?m)^([a-z][a-z0-9-]*):`)
	targets := map[string]bool{}
	for _, m := range target.FindAllStringSubmatch(string(makefile), -1) {
		targets[m[1]] = true
	}
	makeCall := regexp.MustCompile(`\bmake((?: -k)?(?: [a-z][a-z0-9-]*)+)`)
	for _, f := range []string{"github-actions.yml", "gitlab-ci.yml"} {
		raw, err := os.ReadFile(filepath.Join(repoRoot, "contracts", "ci", f))
		if err != nil {
			t.Fatal(err)
		}
		var doc map[string]any
		if err := yaml.Unmarshal(raw, &doc); err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		calls := makeCall.FindAllStringSubmatch(string(raw), -1)
		if len(calls) < 3 {
			t.Errorf("%s runs %d make targets", f, len(calls))
		}
		for _, m := range calls {
			for _, name := range strings.Fields(m[1]) {
				if name != "-k" && !targets[name] {
					t.Errorf("%s runs make %s, which the Makefile does not have", f, name)
				}
			}
		}
	}

	raw, err := os.ReadFile(filepath.Join(repoRoot, "contracts", "ci", "github-actions.yml"))
	if err != nil {
		t.Fatal(err)
	}
	var wf struct {
		Jobs map[string]struct {
			Steps []struct {
				Env map[string]string `yaml:"env"`
			} `yaml:"steps"`
		} `yaml:"jobs"`
	}
	if err := yaml.Unmarshal(raw, &wf); err != nil {
		t.Fatal(err)
	}
	env := map[string]string{}
	for _, st := range wf.Jobs["fidelity-vs-staging"].Steps {
		for k, v := range st.Env {
			env[k] = v
		}
	}
	if env[support.EnvFixtures] != "contracts/staging-target.yaml" {
		t.Fatalf("the fidelity job's %s is %q", support.EnvFixtures, env[support.EnvFixtures])
	}
	cfg := support.Config{FixturesPath: filepath.Join(repoRoot, "contracts", "ci", "staging-target.yaml"),
		LookupEnv: func(name string) (string, bool) {
			v, ok := env[name]
			if ok && !strings.Contains(v, "secrets.") {
				t.Errorf("%s comes from %q, not from the secret store", name, v)
			}
			return "value-of-" + name, ok
		}}
	doc, err := cfg.LoadFixtures()
	if err != nil {
		t.Fatalf("the staging template with the workflow's variables: %v", err)
	}
	if got := support.SecretsOf(doc); len(got) != 4 || got[0] != "value-of-CARE360_STAGING_KEY" {
		t.Fatalf("credentials %q", got)
	}
}
