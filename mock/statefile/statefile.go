// Package statefile keeps a mock world on disk: loaded at start, saved
// atomically so a crash mid-save never leaves a torn file.
package statefile

import (
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
	if _, err := os.Stat(path); errors.Is(err, fs.ErrNotExist) {
		return nil, false, nil
	}
	doc, err = fixtures.Load(path)
	if err != nil {
		return nil, true, fmt.Errorf("state file %s cannot be used: %w", path, err)
	}
	return doc, true, nil
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
	tmp, err := os.CreateTemp(dir, "."+filepath.Base(path)+".tmp-*")
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
