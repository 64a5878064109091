// Package statefile keeps a mock world on disk: loaded at start, saved
// atomically so a crash mid-save never leaves a torn file.
package statefile

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/vendorsuite/contracts/mock/fixtures"
	"github.com/vendorsuite/contracts/mock/jsonresp"
)

// Load reads the state file. A missing file is not an error: found is
// false and the caller starts from its fixtures. A file that exists but
// cannot be read or is not a valid fixture document is an error, so a
// damaged state never silently becomes an empty world.
func Load(path string) (doc *fixtures.Document, found bool, err error) {
	info, err := os.Stat(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, false, nil
	}
	if err != nil {
		return nil, true, fmt.Errorf("state file %s cannot be used: %w", path, err)
	}
	if info.IsDir() {
		return nil, true, fmt.Errorf("state file %s cannot be used: it is a directory", path)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, true, fmt.Errorf("state file %s cannot be used: %w", path, err)
	}
	// A saved state is never empty (it is a JSON object), so an empty
	// file is damage, not a world: refusing it keeps it from being taken
	// for an empty world and then overwritten.
	if len(bytes.TrimSpace(data)) == 0 {
		return nil, true, fmt.Errorf("state file %s cannot be used: it is empty (a saved state never is); "+
			"remove it to start from the fixtures", path)
	}
	doc, err = fixtures.Parse(data)
	if err != nil {
		return nil, true, fmt.Errorf("state file %s cannot be used: %w", path, err)
	}
	return doc, true, nil
}

// tempPattern names the temporary files Save writes next to path.
func tempPattern(path string) string { return "." + filepath.Base(path) + ".tmp-*" }

// Prepare readies path's directory before the server starts: it removes
// the temporary files a crash during Save left behind (returning their
// names) and proves that the directory takes new files, so a state file
// that could never be saved is refused at start with the reason instead
// of failing on every save.
func Prepare(path string) (removed []string, err error) {
	dir := filepath.Dir(path)
	info, err := os.Stat(dir)
	if err != nil {
		return nil, fmt.Errorf("state file %s cannot be saved: %w", path, err)
	}
	if !info.IsDir() {
		return nil, fmt.Errorf("state file %s cannot be saved: %s is not a directory", path, dir)
	}
	leftovers, err := filepath.Glob(filepath.Join(dir, tempPattern(path)))
	if err != nil {
		return nil, err
	}
	for _, f := range leftovers {
		if err := os.Remove(f); err != nil {
			return removed, fmt.Errorf("state file %s: removing the leftover %s: %w", path, f, err)
		}
		removed = append(removed, f)
	}
	probe, err := os.CreateTemp(dir, tempPattern(path))
	if err != nil {
		return removed, fmt.Errorf("state file %s cannot be saved: %w", path, err)
	}
	probe.Close()
	if err := os.Remove(probe.Name()); err != nil {
		return removed, fmt.Errorf("state file %s cannot be saved: %w", path, err)
	}
	return removed, nil
}

// Save writes doc to path atomically: a temporary file in the same
// directory is written and synced, then renamed over path, and the
// directory is synced so the rename itself survives a crash.
func Save(path string, doc *fixtures.Document) error {
	data, err := jsonresp.Marshal(doc)
	if err != nil {
		return err
	}
	dir := filepath.Dir(path)
	tmp, err := os.CreateTemp(dir, tempPattern(path))
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name()) // gone after the rename; cleans up on failure
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return err
	}
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	return d.Sync()
}
