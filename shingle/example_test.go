package shingle_test

import (
	"errors"
	"fmt"

	"github.com/newsdup/newsdup/shingle"
)

func Example() {
	a, err := shingle.NewAnalyzer(shingle.Config{})
	if err != nil {
		panic(err)
	}
	text := "The U.S. said 2,000 troops would leave."
	toks := a.Tokens(nil, text)
	for _, t := range toks {
		fmt.Printf("%-8q %-7q %d-%d\n", text[t.Start:t.End], t.Term, t.Start, t.End)
	}
	feats := shingle.WordShingles(nil, shingle.RemoveStop(toks), 3)
	fmt.Println(len(feats), "shingles")
	// Output:
	// "The"    "the"   0-3
	// "U.S."   "u.s"   4-8
	// "said"   "said"  9-13
	// "2,000"  "2000"  14-19
	// "troops" "troop" 20-26
	// "would"  "would" 27-32
	// "leave"  "leav"  33-38
	// 4 shingles
}

func ExampleNewAnalyzer() {
	_, err := shingle.NewAnalyzer(shingle.Config{Language: "de"})
	fmt.Println(err)
	fmt.Println(errors.Is(err, shingle.ErrUnknownLanguage))
	a, _ := shingle.NewAnalyzer(shingle.Config{Language: "ru"})
	fmt.Println(a.Language())
	// Output:
	// shingle: language "de": shingle: unknown language (supported: english (en), spanish (es), french (fr), russian (ru), swedish (sv), norwegian (nb, no), hungarian (hu))
	// true
	// russian
}

func ExampleLanguageName() {
	for _, tag := range []string{"en", "en-US", "fr_CA", "NB-no", "pt-BR"} {
		name, err := shingle.LanguageName(tag)
		fmt.Printf("%s: %q %v\n", tag, name, errors.Is(err, shingle.ErrUnknownLanguage))
	}
	// Output:
	// en: "english" false
	// en-US: "english" false
	// fr_CA: "french" false
	// NB-no: "norwegian" false
	// pt-BR: "" true
}

func ExampleAnalyzer_Tokens_html() {
	a, _ := shingle.NewAnalyzer(shingle.Config{HTML: true, NoStem: true})
	raw := `<p>Caf&eacute; <b>owners</b></p>`
	for _, t := range a.Tokens(nil, raw) {
		fmt.Printf("%q from %q\n", t.Term, raw[t.Start:t.End])
	}
	// Output:
	// "café" from "Caf&eacute;"
	// "owners" from "owners"
}

func ExampleAnalyzer_TokensSeq() {
	a, _ := shingle.NewAnalyzer(shingle.Config{NoStem: true})
	for t := range a.TokensSeq("Oil prices rose 3.5% on Monday") {
		if t.Flags&shingle.Number != 0 {
			fmt.Println("number:", t.Term)
		}
		if t.Flags&shingle.Capital != 0 {
			fmt.Println("capitalised:", t.Term)
		}
	}
	// Output:
	// capitalised: oil
	// number: 3.5
	// capitalised: monday
}

func ExampleAnalyzer_IsStopWord() {
	a, _ := shingle.NewAnalyzer(shingle.Config{Language: "spanish"})
	fmt.Println(a.IsStopWord("el"), a.IsStopWord("petróleo"))
	fmt.Println(shingle.IsStopWord("en", "The"))
	// Output:
	// true false
	// true
}

func ExampleRemoveStop() {
	a, _ := shingle.NewAnalyzer(shingle.Config{})
	toks := shingle.RemoveStop(a.Tokens(nil, "The price of the oil"))
	fmt.Println(shingle.Terms(toks))
	// Output: price oil
}

func ExampleWordShingles() {
	a, _ := shingle.NewAnalyzer(shingle.Config{})
	text := "central bank raises interest rates again"
	toks := a.Tokens(nil, text)
	feats := shingle.WordShingles(nil, toks, 4)
	// Shingle i covers toks[i:i+4]: map a feature back to its passage.
	for i := range feats {
		first, last := toks[i], toks[i+3]
		fmt.Println(i, text[first.Start:last.End])
	}
	// Output:
	// 0 central bank raises interest
	// 1 bank raises interest rates
	// 2 raises interest rates again
}

func ExampleWordShinglesSeq() {
	a, _ := shingle.NewAnalyzer(shingle.Config{})
	toks := a.Tokens(nil, "one two three")
	n := 0
	for i := range shingle.WordShinglesSeq(toks, 2) {
		fmt.Println("shingle at token", i)
		n++
	}
	// Output:
	// shingle at token 0
	// shingle at token 1
}

func ExampleCharGrams() {
	fmt.Println(len(shingle.CharGrams(nil, "Oil  PRICES", 4)))
	fmt.Println(shingle.CharGrams(nil, "OIL", 4)[0] == shingle.HashString("oil"))
	// Output:
	// 7
	// true
}

func ExampleNormalizeString() {
	fmt.Printf("%q\n", shingle.NormalizeString("  “Putin’s”  NATO–Russia\ttalks  "))
	fmt.Printf("%q\n", shingle.NormalizeString("ﬁnance Ｔｏｋｙｏ"))
	// Output:
	// "\"putin's\" nato-russia talks"
	// "finance tokyo"
}

func ExampleNormalize() {
	buf := shingle.Normalize(nil, "Hello ")
	buf = shingle.Normalize(append(buf, ' '), "WORLD")
	fmt.Println(string(buf))
	// Output: hello world
}

func ExampleHashString() {
	fmt.Printf("%#x\n", shingle.HashString("abc"))
	// Output: 0x44bc2cf5ad770999
}

func ExampleShingleHash() {
	a, _ := shingle.NewAnalyzer(shingle.Config{})
	toks := a.Tokens(nil, "oil prices")
	fmt.Println(shingle.ShingleHash(toks[0].Hash, toks[1].Hash) == shingle.WordShingles(nil, toks, 2)[0])
	// Output: true
}

func ExampleFilter() {
	a, _ := shingle.NewAnalyzer(shingle.Config{})
	toks := shingle.Filter(a.Tokens(nil, "Sales rose 12 pct to 1,500 tonnes"), func(t shingle.Token) bool {
		return t.Flags&shingle.Number == 0
	})
	fmt.Println(shingle.Terms(toks))
	// Output: sale rose pct to tonn
}

func ExampleAnalyzer_Stem() {
	a, _ := shingle.NewAnalyzer(shingle.Config{Language: "french"})
	fmt.Println(a.Stem("continuation"), a.Stem("3.5"))
	// Output: continu 3.5
}

func ExampleLanguages() {
	fmt.Println(shingle.Languages())
	fmt.Println(shingle.SupportedLanguages())
	// Output:
	// [english spanish french russian swedish norwegian hungarian]
	// english (en), spanish (es), french (fr), russian (ru), swedish (sv), norwegian (nb, no), hungarian (hu)
}
