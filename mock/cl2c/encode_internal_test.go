package cl2c

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	api "github.com/vendorsuite/contracts/generated/cl2c"
	"github.com/vendorsuite/contracts/mock/internal/jsontest"
	"github.com/vendorsuite/contracts/mock/internal/ptr"
)

// view builds the generated api.User the way the handler did before the
// hand-written encoder; encoding/json writing it is the reference.
func (u *user) view() api.User {
	return api.User{
		Id:             u.id,
		UserName:       ptr.Deref(u.userName),
		FirstName:      ptr.Deref(u.firstName),
		LastName:       ptr.Deref(u.lastName),
		Email:          ptr.Deref(u.email),
		EmailConfirmed: ptr.Deref(u.emailConfirmed),
		Authenticated:  ptr.Deref(u.authenticated),
		AuthValidUpto:  ptr.Clone(u.authValidUpto),
		AuthLocation:   ptr.Clone(u.authLocation),
		PhoneNumber:    ptr.Clone(u.phoneNumber),
		WalletAddress:  ptr.Clone(u.walletAddress),
	}
}

// hostileUser sets each optional field whose bit is in set, to values
// from a and b.
func hostileUser(id, a, b string, set uint16) *user {
	u := &user{id: id}
	text := []**string{&u.userName, &u.firstName, &u.lastName, &u.email, &u.authValidUpto, &u.authLocation,
		&u.phoneNumber, &u.walletAddress, &u.pushToken}
	for i, f := range text {
		if set&(1<<i) != 0 {
			v := a
			if i%2 == 1 {
				v = b
			}
			*f = &v
		}
	}
	if set&(1<<9) != 0 {
		u.emailConfirmed = ptr.To(set&(1<<10) != 0)
	}
	if set&(1<<11) != 0 {
		u.authenticated = ptr.To(set&(1<<12) != 0)
	}
	return u
}

func checkCL2C(t testing.TB, id, a, b string, set uint16, status int) {
	t.Helper()
	u := hostileUser(id, a, b, set)
	jsontest.Same(t, "user", (&userAnswer{user: *u}).AppendJSON(nil), jsontest.Reference(t, u.view()))
	for _, messages := range [][]string{nil, {}, {a}, {a, b}} {
		e := api.DefaultError{Messages: messages, Source: a, Exception: b, ErrorId: id, SupportMessage: b, StatusCode: status}
		jsontest.Same(t, "default error", (*defaultErrorAnswer)(&e).AppendJSON(nil), jsontest.Reference(t, e))
	}
	var nilMap map[string][]string
	for _, errs := range []*map[string][]string{nil, &nilMap, {}, {a: {b, a}, b: nil, "body": {}}} {
		p := api.ValidationProblem{Type: a, Title: b, Status: status, Detail: a, Instance: id, Errors: errs}
		jsontest.Same(t, "validation problem", (*validationAnswer)(&p).AppendJSON(nil), jsontest.Reference(t, p))
	}
}

func TestEncodersMatchEncodingJSON(t *testing.T) {
	for i, a := range jsontest.Hostile {
		b := jsontest.Hostile[(i+3)%len(jsontest.Hostile)]
		for _, set := range []uint16{0, 1<<13 - 1, 0b1010101010101, 0b0101010101010, 1 << 9, 1<<9 | 1<<10 | 1<<11} {
			checkCL2C(t, jsontest.Hostile[(i+1)%len(jsontest.Hostile)], a, b, set, 400+i)
		}
	}
}

// FuzzCL2CEncode compares the CL2C encoders with encoding/json writing the
// generated types, for a user whose fields are the fuzzed strings or
// unset.
func FuzzCL2CEncode(f *testing.F) {
	for i, s := range jsontest.Hostile {
		f.Add(s, jsontest.Hostile[(i+1)%len(jsontest.Hostile)], "id-"+s, uint16(i*613), 400+i)
	}
	f.Fuzz(func(t *testing.T, a, b, id string, set uint16, status int) {
		checkCL2C(t, id, a, b, set, status)
	})
}

func TestFormatIDMatchesSprintf(t *testing.T) {
	for _, n := range []uint64{0, 1, 0xf, 0x10, 0xdeadbeef, 1<<63 - 1, 1 << 63, ^uint64(0)} {
		for _, prefix := range []string{"error-", "req-", "", strings.Repeat("p", 40)} {
			if got, want := formatID(prefix, n), fmt.Sprintf("%s%016x", prefix, n); got != want {
				t.Fatalf("formatID(%q, %d) = %q, want %q", prefix, n, got, want)
			}
		}
	}
}

// BenchmarkEncode compares the hand-written update answer with encoding/json
// writing api.User built per request, as the handler did before.
func BenchmarkEncode(b *testing.B) {
	u := hostileUser("3fa85f64-5717-4562-b3fc-2c963f66afa6", "John", "+1234567890", 1<<13-1)
	buf := make([]byte, 0, 1024)
	b.Run("user/hand-written", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			buf = (&userAnswer{user: *u}).AppendJSON(buf[:0])
		}
	})
	b.Run("user/encoding-json", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := json.Marshal(u.view()); err != nil {
				b.Fatal(err)
			}
		}
	})
}
