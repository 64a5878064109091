package cl2c

import (
	"crypto/rand"
	"encoding/binary"
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
	return formatID(prefix, idCounter.Add(1))
}

// formatID writes prefix and n as 16 lowercase hex digits, in one
// allocation (fmt's takes three).
func formatID(prefix string, n uint64) string {
	var buf [48]byte
	b := append(buf[:0], prefix...)
	for shift := 60; shift >= 0; shift -= 4 {
		b = append(b, "0123456789abcdef"[n>>uint(shift)&0xf])
	}
	return string(b)
}
