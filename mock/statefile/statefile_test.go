package statefile_test

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/vendorsuite/contracts/mock/fixtures"
	"github.com/vendorsuite/contracts/mock/statefile"
)

func TestSaveThenLoad(t *testing.T) {
	path := filepath.Join(t.TempDir(), "state.json")
	if _, found, err := statefile.Load(path); found || err != nil {
		t.Fatalf("missing file: found=%v err=%v", found, err)
	}
	doc := fixtures.Default()
	if err := statefile.Save(path, doc); err != nil {
		t.Fatal(err)
	}
	got, found, err := statefile.Load(path)
	if err != nil || !found {
		t.Fatalf("load: found=%v err=%v", found, err)
	}
	if !reflect.DeepEqual(got, doc) {
		t.Fatal("the saved document did not come back")
	}
	entries, _ := os.ReadDir(filepath.Dir(path))
	if len(entries) != 1 {
		t.Fatalf("temporary files left: %v", entries)
	}
}

func TestDamagedFileIsAnError(t *testing.T) {
	path := filepath.Join(t.TempDir(), "state.json")
	if err := os.WriteFile(path, []byte(`{"care360":{"organizations":[{"name":`), 0o600); err != nil {
		t.Fatal(err)
	}
	_, found, err := statefile.Load(path)
	if !found || err == nil || !strings.Contains(err.Error(), "cannot be used") {
		t.Fatalf("found=%v err=%v", found, err)
	}
}

// BenchmarkSave is the cost of one save of the default accounts, which
// --save-writes 1 pays per group of concurrent writes: encoding, write,
// fsync of the file and of the directory, rename.
func BenchmarkSave(b *testing.B) {
	path := filepath.Join(b.TempDir(), "state.json")
	doc := fixtures.Default()
	b.ReportAllocs()
	for b.Loop() {
		if err := statefile.Save(path, doc); err != nil {
			b.Fatal(err)
		}
	}
}
