package cl2c

import (
	"crypto/rand"
	"encoding/binary"
	"fmt"
	"sync/atomic"
)

// idCounter hands out error and request ids. It starts at a random point so
// ids differ between runs (a client quoting one to support cannot confuse
// two processes) and counts up, so no two answers of one process share an
// id however many goroutines ask at once.
var idCounter atomic.Uint64

func init() {
	var b [8]byte
	if _, err := rand.Read(b[:]); err == nil {
		idCounter.Store(binary.BigEndian.Uint64(b[:]))
	}
}

// nextID returns prefix followed by 16 lowercase hex digits.
func nextID(prefix string) string {
	return fmt.Sprintf("%s%016x", prefix, idCounter.Add(1))
}
