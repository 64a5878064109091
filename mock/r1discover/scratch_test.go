package r1discover_test

import (
	"fmt"
	"testing"

	"github.com/vendorsuite/contracts/mock/r1discover"
)

func BenchmarkScratchBuild(b *testing.B) {
	f := world()
	c := &f.Companies[0]
	for i := range 200000 {
		c.Users = append(c.Users, r1user(fmt.Sprint("c", i), fmt.Sprint("u", i), fmt.Sprint("cu", i), fmt.Sprint("e", i, "@example.com"), "Devon", "PHP", "practitioner@example.com", "active"))
	}
	b.ResetTimer()
	for b.Loop() {
		r1discover.Build(f)
	}
}
