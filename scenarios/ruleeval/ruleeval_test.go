package main

import (
	"strings"
	"testing"
)

// Guards against a parser that gets precedence, operators or field resolution wrong: a
// rule engine that silently mis-scores still runs, so each expression is checked
// against a hand-computed value on a fixed record.
func TestEvalHandComputed(t *testing.T) {
	rec := &Record{Fields: make([]Value, len(schema))}
	set := func(name string, v Value) {
		for i, f := range schema {
			if f == name {
				rec.Fields[i] = v
				return
			}
		}
		t.Fatalf("no field %s", name)
	}
	set("amount", num(250))
	set("avg_amount_30d", num(100))
	set("hour", num(3))
	set("country", Value{Kind: KindStr, Str: "NG"})
	set("home_country", Value{Kind: KindStr, Str: "DE"})
	set("merchant", Value{Kind: KindStr, Str: "gift-cards-4u"})
	cases := []struct {
		expr string
		want float64
	}{
		{"1 + 2 * 3", 7},
		{"(1 + 2) * 3", 9},
		{"amount / avg_amount_30d - 1", 1.5},
		{"amount % 100", 50},
		{"-amount + 1", -249},
		{"amount > 2 * avg_amount_30d && hour < 5", 1},
		{"amount > 3 * avg_amount_30d || country == home_country", 0},
		{"country in (\"RU\", \"NG\")", 1},
		{"!(country != home_country)", 0},
		{"max(1, min(hour, 2)) + abs(-4)", 6},
		{"prefix(merchant, \"gift\") && len(merchant) == 13", 1},
		{"1 / 0", 0},
	}
	for _, c := range cases {
		rules, err := ParseRules(strings.NewReader("r 1: "+c.expr), schema)
		if err != nil {
			t.Fatalf("%s: %v", c.expr, err)
		}
		if got := rules[0].Expr.Eval(rec).Num; got != c.want {
			t.Errorf("%s = %v, want %v", c.expr, got, c.want)
		}
	}
}

// Guards against bad rule files being accepted (and then scoring garbage).
func TestParseErrors(t *testing.T) {
	for _, src := range []string{
		"r 1: amount >",
		"r 1: nosuchfield > 1",
		"r 1: nosuchfn(1)",
		"r 1: min(1)",
		"r x: 1",
		"no weight here",
		"r 1: (1 + 2",
	} {
		if _, err := ParseRules(strings.NewReader(src), schema); err == nil {
			t.Errorf("%q: accepted", src)
		}
	}
}

// Guards against the shipped rule file going stale against the schema, and against the
// generated records changing (the checksum printed by the program depends on both).
func TestShippedRulesParseAndFire(t *testing.T) {
	f := strings.NewReader(mustRead(t, "rules.txt"))
	rules, err := ParseRules(f, schema)
	if err != nil || len(rules) < 20 {
		t.Fatalf("rules.txt: %d rules, %v", len(rules), err)
	}
	recs := generateRecords(7, 40000) // the program's default input
	for _, r := range rules {
		hits := 0
		for i := range recs {
			if r.Expr.Eval(&recs[i]).Truthy() {
				hits++
			}
		}
		if hits == 0 || hits == len(recs) {
			t.Errorf("rule %s matches %d of %d records: it tests nothing", r.Name, hits, len(recs))
		}
	}
}
