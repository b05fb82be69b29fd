package main

import (
	"math"
	"strings"
)

// The rules are evaluated by walking their syntax trees: every node is a Node and every
// child is reached through the interface, the way most small interpreters, rule engines
// and query filters are written. Each call site sees several node types in principle but
// one or two in practice, which is exactly what PGO's profile-driven devirtualization
// and its larger inlining budget for hot call sites exploit.

// Value is a tagged union: the interpreter's only data type.
type Value struct {
	Kind Kind
	Num  float64
	Str  string
}

type Kind uint8

const (
	KindNum Kind = iota
	KindStr
	KindBool
)

func num(f float64) Value { return Value{Kind: KindNum, Num: f} }
func boolean(b bool) Value {
	if b {
		return Value{Kind: KindBool, Num: 1}
	}
	return Value{Kind: KindBool}
}
func (v Value) Truthy() bool { return v.Num != 0 || v.Str != "" }

// Node is one expression in a rule's syntax tree.
type Node interface {
	Eval(r *Record) Value
}

// Record is one transaction: its fields by index, resolved when the rules are parsed.
type Record struct {
	Fields []Value
}

type NumLit struct{ V float64 }
type StrLit struct{ V string }
type FieldRef struct {
	Index int
	Name  string
}

func (n *NumLit) Eval(*Record) Value     { return num(n.V) }
func (n *StrLit) Eval(*Record) Value     { return Value{Kind: KindStr, Str: n.V} }
func (n *FieldRef) Eval(r *Record) Value { return r.Fields[n.Index] }

type Neg struct{ X Node }
type Not struct{ X Node }

func (n *Neg) Eval(r *Record) Value { return num(-n.X.Eval(r).Num) }
func (n *Not) Eval(r *Record) Value { return boolean(!n.X.Eval(r).Truthy()) }

// Arithmetic and comparison nodes, one type per operator so each Eval is tiny.
type Add struct{ L, R Node }
type Sub struct{ L, R Node }
type Mul struct{ L, R Node }
type Div struct{ L, R Node }
type Mod struct{ L, R Node }

func (n *Add) Eval(r *Record) Value { return num(n.L.Eval(r).Num + n.R.Eval(r).Num) }
func (n *Sub) Eval(r *Record) Value { return num(n.L.Eval(r).Num - n.R.Eval(r).Num) }
func (n *Mul) Eval(r *Record) Value { return num(n.L.Eval(r).Num * n.R.Eval(r).Num) }
func (n *Div) Eval(r *Record) Value {
	d := n.R.Eval(r).Num
	if d == 0 {
		return num(0)
	}
	return num(n.L.Eval(r).Num / d)
}
func (n *Mod) Eval(r *Record) Value {
	d := n.R.Eval(r).Num
	if d == 0 {
		return num(0)
	}
	return num(math.Mod(n.L.Eval(r).Num, d))
}

type Lt struct{ L, R Node }
type Le struct{ L, R Node }
type Gt struct{ L, R Node }
type Ge struct{ L, R Node }
type Eq struct{ L, R Node }
type Ne struct{ L, R Node }

func (n *Lt) Eval(r *Record) Value { return boolean(n.L.Eval(r).Num < n.R.Eval(r).Num) }
func (n *Le) Eval(r *Record) Value { return boolean(n.L.Eval(r).Num <= n.R.Eval(r).Num) }
func (n *Gt) Eval(r *Record) Value { return boolean(n.L.Eval(r).Num > n.R.Eval(r).Num) }
func (n *Ge) Eval(r *Record) Value { return boolean(n.L.Eval(r).Num >= n.R.Eval(r).Num) }
func (n *Eq) Eval(r *Record) Value { return boolean(equal(n.L.Eval(r), n.R.Eval(r))) }
func (n *Ne) Eval(r *Record) Value { return boolean(!equal(n.L.Eval(r), n.R.Eval(r))) }

func equal(a, b Value) bool {
	if a.Kind == KindStr || b.Kind == KindStr {
		return a.Kind == b.Kind && a.Str == b.Str
	}
	return a.Num == b.Num
}

type And struct{ L, R Node }
type Or struct{ L, R Node }

func (n *And) Eval(r *Record) Value { return boolean(n.L.Eval(r).Truthy() && n.R.Eval(r).Truthy()) }
func (n *Or) Eval(r *Record) Value  { return boolean(n.L.Eval(r).Truthy() || n.R.Eval(r).Truthy()) }

// In tests membership in a literal list: country in ("DE", "FR").
type In struct {
	X    Node
	List []Node
}

func (n *In) Eval(r *Record) Value {
	x := n.X.Eval(r)
	for _, e := range n.List {
		if equal(x, e.Eval(r)) {
			return boolean(true)
		}
	}
	return boolean(false)
}

// Call is a built-in function applied to evaluated arguments.
type Call struct {
	Name string
	Fn   func(args []Value) Value
	Args []Node
	buf  []Value // reused argument slice: evaluation is single-threaded
}

func (n *Call) Eval(r *Record) Value {
	for i, a := range n.Args {
		n.buf[i] = a.Eval(r)
	}
	return n.Fn(n.buf)
}

var builtins = map[string]struct {
	arity int
	fn    func([]Value) Value
}{
	"abs": {1, func(a []Value) Value { return num(math.Abs(a[0].Num)) }},
	"min": {2, func(a []Value) Value { return num(math.Min(a[0].Num, a[1].Num)) }},
	"max": {2, func(a []Value) Value { return num(math.Max(a[0].Num, a[1].Num)) }},
	"log": {1, func(a []Value) Value { return num(math.Log1p(math.Abs(a[0].Num))) }},
	"len": {1, func(a []Value) Value { return num(float64(len(a[0].Str))) }},
	"prefix": {2, func(a []Value) Value {
		return boolean(strings.HasPrefix(a[0].Str, a[1].Str))
	}},
}
