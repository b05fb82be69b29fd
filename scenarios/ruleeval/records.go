package main

import (
	"fmt"
	"math/rand/v2"
)

// The transactions are generated from a seed, so the scenario ships no data and every
// run evaluates the same records.

var schema = []string{
	"amount", "qty", "hour", "weekday", "country", "home_country", "mcc", "channel",
	"card_age_days", "txn_last_hour", "avg_amount_30d", "distance_km", "merchant",
	"email_domain", "ip_risk", "declines_24h",
}

var (
	countries = []string{"DE", "FR", "NL", "US", "GB", "ES", "IT", "BR", "NG", "RU", "CN", "IN"}
	channels  = []string{"pos", "web", "app", "atm"}
	domains   = []string{"mail.example", "corp.example", "tempmail.test", "freebox.test", "uni.example"}
	merchants = []string{"acme-store", "gift-cards-4u", "bookshop", "crypto-xchg", "grocer", "airline", "hotel-chain", "game-credits"}
)

func generateRecords(seed uint64, n int) []Record {
	r := rand.New(rand.NewPCG(seed, 0x5851f42d4c957f2d))
	pick := func(s []string) Value { return Value{Kind: KindStr, Str: s[r.IntN(len(s))]} }
	recs := make([]Record, n)
	for i := range recs {
		home := countries[r.IntN(4)]
		country := home
		if r.IntN(5) == 0 {
			country = countries[r.IntN(len(countries))]
		}
		avg := 20 + r.Float64()*180
		amount := avg * r.ExpFloat64()
		recs[i].Fields = []Value{
			num(float64(int(amount*100)) / 100),
			num(float64(1 + r.IntN(5))),
			num(float64(r.IntN(24))),
			num(float64(r.IntN(7))),
			{Kind: KindStr, Str: country},
			{Kind: KindStr, Str: home},
			num(float64(5000 + r.IntN(1000))),
			pick(channels),
			num(float64(r.IntN(2000))),
			num(float64(r.IntN(8))),
			num(avg),
			num(r.ExpFloat64() * 300),
			pick(merchants),
			pick(domains),
			num(r.Float64()),
			num(float64(r.IntN(4) * r.IntN(2))),
		}
	}
	if len(recs) > 0 && len(recs[0].Fields) != len(schema) {
		panic(fmt.Sprintf("record has %d fields, schema %d", len(recs[0].Fields), len(schema)))
	}
	return recs
}
