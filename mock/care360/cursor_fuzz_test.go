package care360

import (
	"encoding/base64"
	"strings"
	"testing"
	"time"
)

// FuzzDecodeCursor: DecodeCursor never panics; whatever it accepts
// re-encodes (at the cursor's millisecond precision) to a cursor that
// decodes to the same position; and every position a page can end on
// (an id and a createdAt of years 0–9999) survives encode → decode.
func FuzzDecodeCursor(f *testing.F) {
	f.Add("MjAyNS0xMS0yNlQxMDo1NToxMi4wMTRafG45SHRoNTFRcHBlUnpoMVk2TVBOVlZwdU1zYzI", int64(1764154512014), "n9Hth51QppeRzh1Y6MPNVVpuMsc2")
	f.Add("MjAyNS0xMS0yNlQxMDo1NToxMi4wMTRafG45SHRoNTFRcHBlUnpoMVk2TVBOVlZwdU1zYzI=", int64(0), "a|b")
	f.Add(base64.StdEncoding.EncodeToString([]byte("2025-11-26T10:55:12.014+02:00|x")), int64(-62135596800000), "x")
	f.Add(base64.RawStdEncoding.EncodeToString([]byte("2025-11-26T10:55:12.123456789Z|x")), int64(253402300799999), "é")
	f.Add("", int64(-1), "")
	f.Add("!!!", int64(1), "|")
	f.Add(base64.RawStdEncoding.EncodeToString([]byte("no-bar")), int64(2), "id")
	f.Add(base64.RawStdEncoding.EncodeToString([]byte("2025-11-26T10:55:12.014Z|")), int64(3), "id")
	f.Fuzz(func(t *testing.T, cursor string, ms int64, id string) {
		if p, err := DecodeCursor(cursor); err == nil {
			if p.id == "" {
				t.Fatalf("%q decoded to an empty id", cursor)
			}
			if y := p.createdAt.UTC().Year(); y >= 0 && y <= 9999 {
				again := encodeCursor(&user{id: p.id, createdAt: p.createdAt})
				q, err := DecodeCursor(again)
				if err != nil {
					t.Fatalf("%q decoded, its re-encoding %q does not: %v", cursor, again, err)
				}
				if q.id != p.id || !q.createdAt.Equal(p.createdAt.Truncate(time.Millisecond)) {
					t.Fatalf("%q: position %v|%q re-encoded to %v|%q", cursor, p.createdAt, p.id, q.createdAt, q.id)
				}
			}
		} else if err != errBadCursor {
			t.Fatalf("%q: unexpected error %v", cursor, err)
		}

		// encode → decode for a position a page can end on.
		const minMs, maxMs = -62167219200000, 253402300799999 // 0000-01-01 .. 9999-12-31T23:59:59.999Z
		if id == "" || ms < minMs || ms > maxMs {
			return
		}
		at := time.UnixMilli(ms).UTC()
		c := encodeCursor(&user{id: id, createdAt: at})
		if strings.ContainsAny(c, "=") {
			t.Fatalf("cursor %q is padded", c)
		}
		p, err := DecodeCursor(c)
		if err != nil {
			t.Fatalf("%v|%q encoded to %q, which does not decode: %v", at, id, c, err)
		}
		if p.id != id || !p.createdAt.Equal(at) {
			t.Fatalf("%v|%q round-tripped to %v|%q", at, id, p.createdAt, p.id)
		}
	})
}
