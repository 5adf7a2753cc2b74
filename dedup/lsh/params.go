package lsh

import (
	"errors"
	"fmt"
	"math"

	"github.com/newsdup/newsdup/dedup/minhash"
)

// Defaults used for the zero fields of Config.
const (
	// DefaultThreshold is the similarity threshold used when
	// Config.Threshold is zero.
	DefaultThreshold = 0.5
	// DefaultWeight is the weight of false positives and of false
	// negatives used when the corresponding Config field is zero.
	DefaultWeight = 0.5
)

// ErrInvalidParams reports a Config or Params that cannot be used.
var ErrInvalidParams = errors.New("lsh: invalid parameters")

// Config describes the banding wanted, in the terms a user reasons about:
// a similarity threshold and the relative cost of the two kinds of error.
// Its zero value is usable: K = minhash.DefaultK (128), threshold 0.5 and
// equal weights.
type Config struct {
	// K is the signature length, 1..minhash.MaxK; zero means
	// minhash.DefaultK.
	K int
	// Threshold is the Jaccard similarity at and above which pairs should
	// become candidates, in (0, 1); zero means DefaultThreshold.
	Threshold float64
	// FalsePositiveWeight and FalseNegativeWeight weigh the two error
	// integrals that Optimal minimises (see Params). They must be finite
	// and not negative; zero means DefaultWeight. Only their ratio
	// matters.
	FalsePositiveWeight, FalseNegativeWeight float64
}

// Params is a banding of signatures of length K into Bands bands that
// together use every one of the K values: the first K%Bands bands have
// Rows+1 rows and the others Rows rows. Two signatures become candidates
// when they agree on every row of at least one band, which for a pair of
// Jaccard similarity s happens with probability
//
//	P(s) = 1 - (1 - s^(Rows+1))^(K%Bands) · (1 - s^Rows)^(Bands - K%Bands).
//
// Threshold is the similarity the banding was chosen for, and
// FalsePositive and FalseNegative are the areas that P leaves on the wrong
// side of it, as in datasketch's optimiser:
//
//	FalsePositive = ∫_0^Threshold P(s) ds
//	FalseNegative = ∫_Threshold^1 1 - P(s) ds
//
// Create Params with Optimal or Banding; NewIndex rejects Params whose
// fields are inconsistent.
type Params struct {
	// K is the signature length.
	K int
	// Bands is the number of bands, 1..K.
	Bands int
	// Rows is K / Bands, the rows of the narrower bands.
	Rows int
	// Threshold is the similarity threshold, in (0, 1).
	Threshold float64
	// FalsePositive is the area under P below Threshold.
	FalsePositive float64
	// FalseNegative is the area above P beyond Threshold.
	FalseNegative float64
}

// Optimal returns the banding of K values that minimises
// FalsePositiveWeight·FalsePositive + FalseNegativeWeight·FalseNegative at
// the threshold, searching every number of bands from 1 to K. Because
// bands may differ by one row, every value of the signature is used
// whatever the number of bands, and the search has K choices instead of
// the few divisors of K.
//
// Bandings with equal bands that leave values unused, the choices
// datasketch searches, are not considered: over thresholds 0.1 to 0.9 and
// weight ratios 1:4 to 4:1 at K = 128 the best of them is never more than
// 0.3% better and often worse (up to 8%) than the best banding that uses
// every value, and unused values would be computed for nothing.
//
// Optimal returns an error wrapping ErrInvalidParams for a Config out of
// range. It evaluates two numerical integrals per candidate, so its cost
// grows linearly with K (BenchmarkOptimal).
func Optimal(cfg Config) (Params, error) {
	cfg, err := cfg.withDefaults()
	if err != nil {
		return Params{}, err
	}
	var best Params
	bestErr := math.Inf(1)
	for b := 1; b <= cfg.K; b++ {
		p := banding(cfg.K, b, cfg.Threshold)
		e := cfg.FalsePositiveWeight*p.FalsePositive + cfg.FalseNegativeWeight*p.FalseNegative
		if e < bestErr {
			best, bestErr = p, e
		}
	}
	return best, nil
}

// Banding returns the Params for signatures of length k split into the
// given number of bands, with the error areas computed at threshold. It
// returns an error wrapping ErrInvalidParams unless 1 <= bands <= k <=
// minhash.MaxK and 0 < threshold < 1.
func Banding(k, bands int, threshold float64) (Params, error) {
	if k < 1 || k > minhash.MaxK {
		return Params{}, fmt.Errorf("lsh: K = %d, want 1..%d: %w", k, minhash.MaxK, ErrInvalidParams)
	}
	if bands < 1 || bands > k {
		return Params{}, fmt.Errorf("lsh: %d bands, want 1..K = %d: %w", bands, k, ErrInvalidParams)
	}
	if !(threshold > 0 && threshold < 1) {
		return Params{}, fmt.Errorf("lsh: threshold %v, want (0, 1): %w", threshold, ErrInvalidParams)
	}
	return banding(k, bands, threshold), nil
}

func (cfg Config) withDefaults() (Config, error) {
	if cfg.K == 0 {
		cfg.K = minhash.DefaultK
	}
	if cfg.K < 1 || cfg.K > minhash.MaxK {
		return cfg, fmt.Errorf("lsh: K = %d, want 1..%d: %w", cfg.K, minhash.MaxK, ErrInvalidParams)
	}
	if cfg.Threshold == 0 {
		cfg.Threshold = DefaultThreshold
	}
	if !(cfg.Threshold > 0 && cfg.Threshold < 1) {
		return cfg, fmt.Errorf("lsh: threshold %v, want (0, 1): %w", cfg.Threshold, ErrInvalidParams)
	}
	for _, w := range []*float64{&cfg.FalsePositiveWeight, &cfg.FalseNegativeWeight} {
		if *w == 0 {
			*w = DefaultWeight
		}
		if !(*w > 0) || math.IsInf(*w, 1) {
			return cfg, fmt.Errorf("lsh: weights %v and %v, want finite and not negative: %w",
				cfg.FalsePositiveWeight, cfg.FalseNegativeWeight, ErrInvalidParams)
		}
	}
	return cfg, nil
}

func banding(k, bands int, threshold float64) Params {
	p := Params{K: k, Bands: bands, Rows: k / bands, Threshold: threshold}
	p.FalsePositive = integrate(p.Probability, 0, threshold)
	p.FalseNegative = integrate(func(s float64) float64 { return 1 - p.Probability(s) }, threshold, 1)
	return p
}

// Probability returns P(s), the probability that two signatures of sets
// with Jaccard similarity s share at least one band (see Params). It is 0
// for s <= 0, 1 for s >= 1 and NaN for NaN.
func (p Params) Probability(s float64) float64 {
	switch {
	case math.IsNaN(s):
		return s
	case s <= 0:
		return 0
	case s >= 1:
		return 1
	}
	wide := p.K % p.Bands
	sr := math.Pow(s, float64(p.Rows))
	// log of the probability that no band matches
	miss := float64(p.Bands-wide)*math.Log1p(-sr) + float64(wide)*math.Log1p(-sr*s)
	return -math.Expm1(miss)
}

// BandRows returns the number of rows of band i (0-based): Rows+1 for the
// first K%Bands bands and Rows for the others.
func (p Params) BandRows(i int) int {
	if i < p.K%p.Bands {
		return p.Rows + 1
	}
	return p.Rows
}

// String describes the banding and its error areas.
func (p Params) String() string {
	rows := fmt.Sprint(p.Rows)
	if p.Bands > 0 && p.K%p.Bands != 0 {
		rows = fmt.Sprintf("%d (%d bands) or %d", p.Rows+1, p.K%p.Bands, p.Rows)
	}
	return fmt.Sprintf("K=%d bands=%d rows=%s threshold=%.3g P(threshold)=%.3f false positive=%.4f false negative=%.4f",
		p.K, p.Bands, rows, p.Threshold, p.Probability(p.Threshold), p.FalsePositive, p.FalseNegative)
}

// validate reports whether p describes a banding NewIndex can use.
func (p Params) validate() error {
	if p.K < 1 || p.K > minhash.MaxK || p.Bands < 1 || p.Bands > p.K || p.Rows != p.K/p.Bands {
		return fmt.Errorf("lsh: K = %d, %d bands, %d rows: want 1 <= bands <= K <= %d and rows = K/bands: %w",
			p.K, p.Bands, p.Rows, minhash.MaxK, ErrInvalidParams)
	}
	return nil
}

// integrate returns the integral of f over [a, b] by adaptive Simpson
// quadrature on 16 equal pieces, accurate to about 1e-10 even where P is
// steep.
func integrate(f func(float64) float64, a, b float64) float64 {
	const pieces = 16
	const eps = 1e-10 / pieces
	sum := 0.0
	for i := range pieces {
		lo := a + (b-a)*float64(i)/pieces
		hi := a + (b-a)*float64(i+1)/pieces
		flo, fm, fhi := f(lo), f((lo+hi)/2), f(hi)
		whole := (hi - lo) / 6 * (flo + 4*fm + fhi)
		sum += simpson(f, lo, hi, flo, fm, fhi, whole, eps, 30)
	}
	return sum
}

func simpson(f func(float64) float64, a, b, fa, fm, fb, whole, eps float64, depth int) float64 {
	m := (a + b) / 2
	lm, rm := (a+m)/2, (m+b)/2
	flm, frm := f(lm), f(rm)
	left := (m - a) / 6 * (fa + 4*flm + fm)
	right := (b - m) / 6 * (fm + 4*frm + fb)
	if depth <= 0 || math.Abs(left+right-whole) <= 15*eps {
		return left + right + (left+right-whole)/15
	}
	return simpson(f, a, m, fa, flm, fm, left, eps/2, depth-1) +
		simpson(f, m, b, fm, frm, fb, right, eps/2, depth-1)
}
