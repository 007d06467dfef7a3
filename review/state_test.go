package review_test

import (
	"context"
	"fmt"
	"reflect"
	"strings"
	"testing"
	"time"

	"ferrule/mail"
	"ferrule/review"
)

// TestScanSignals: every phrase the state rules recognise, and the
// negatives that must not count.
func TestScanSignals(t *testing.T) {
	type want struct {
		kind  review.SignalKind
		parts []int
		whole bool
		dts   bool
		some  bool
	}
	applied := want{kind: review.SignalApplied}
	none := want{}
	for _, tc := range []struct {
		name, text, bot string
		want            want
	}{
		{"applied thanks", "Applied, thanks!\n", "", applied},
		{"thanks applied", "Hello,\n\nThanks, applied.\n", "", applied},
		{"bare applied", "Applied.\n\nBest regards\nUwe\n", "", applied},
		{"applied to branch", "Applied to pwm/for-next\n", "", applied},
		{"applied to url next paragraph", "I applied patches #1-#5 to\n\n\thttps://git.kernel.org/pub/scm/linux/kernel/git/ukleinek/linux.git pwm/for-next\n\n.\n", "", want{kind: review.SignalApplied, parts: []int{1, 2, 3, 4, 5}}},
		{"applied to clk-next", "Applied to clk-next\n", "", applied},
		{"applied with tags", "Applied to https://git.kernel.org/x/linux.git pwm/for-next with Rob's Ack.\n", "", applied},
		{"i've applied to my tree", "Thanks for the patch, I've applied it to my tree.\n", "", applied},
		{"applied for next", "Applied for next, thanks!\n", "", applied},
		{"applied as material", "Applied as v6.8-rc material to\nhttps://git.kernel.org/x pwm/fixes\n", "", applied},
		{"wrapped paragraph", "Hi,\napplied to\npwm/for-next.\n", "", applied},
		{"patch numbers", "Applied patch 1, the rest needs work.\n", "", want{kind: review.SignalApplied, parts: []int{1}}},
		{"patch list", "Patches 1-3 and 5 applied.\n", "", want{kind: review.SignalApplied, parts: []int{1, 2, 3, 5}}},
		{"both", "Both patches applied, thanks.\n", "", want{kind: review.SignalApplied, whole: true}},
		{"all three", "All three patches applied, thanks.\n", "", want{kind: review.SignalApplied, whole: true}},
		{"these three", "Applied these three patches, thanks.\n", "", want{kind: review.SignalApplied, whole: true}},
		{"series", "Series applied, thanks.\n", "", want{kind: review.SignalApplied, whole: true}},
		{"dts subset", "Applied the dts patches to soc/dt, thanks\n", "", want{kind: review.SignalApplied, dts: true}},
		{"queued", "Queued for fixes, thanks!\n", "", applied},
		{"queued the series", "Queued the series for next, thanks!\n", "", want{kind: review.SignalApplied, whole: true}},
		{"picked up", "Picked up, thanks.\n", "", applied},
		{"picked this up", "I've picked this up for 6.9.\n", "", applied},
		{"fixed up and applied", "Fixed up and applied, thanks!\n", "", applied},
		{"and applied to", "I added a Fixes: line and applied to\n\n\thttps://git.kernel.org/x pwm/fixes\n", "", applied},
		{"parenthesised", "(Applied to pwm/for-next already.)\n", "", applied},
		{"the two patches", "I applied the two patches now without further feedback to pwm/for-next.\n", "", want{kind: review.SignalApplied, some: true}},
		{"listed patches", "Hi Fabrice\n\nFollowing patches are applied on stm32-next:\n[PATCH v6 5/7] arm64: defconfig: enable STM32 LP timer\n[PATCH v6 6/7] arm64: dts: st: add low-power timer nodes\n\nThanks\nAlex\n", "", want{kind: review.SignalApplied, parts: []int{5, 6}}},
		{"following patches without a list", "Following patches are applied on stm32-next.\n", "", want{kind: review.SignalApplied, some: true}},
		{"numbers before the verb", "I interpreted that as an ack for patches 1 and 2 and applied these to\nhttps://git.kernel.org/x pwm/for-next\n", "", want{kind: review.SignalApplied, parts: []int{1, 2}}},
		{"thanks for the acks", "Thanks for your Acks, I applied patches #1-#3 to\nhttps://git.kernel.org/x pwm/for-next\n", "", want{kind: review.SignalApplied, parts: []int{1, 2, 3}}},
		{"lgtm", "LGTM, I applied it with Rob's Ack to\nhttps://git.kernel.org/x pwm/for-next\n", "", applied},
		{"only for now", "I applied this patch only (for now) to\nhttps://git.kernel.org/x pwm/for-next\n", "", applied},
		{"hash number passive", "(#4 was applied already).\n", "", want{kind: review.SignalApplied, parts: []int{4}}},
		{"has been applied", "This patch has been applied to the pwm tree.\n", "", applied},
		{"b4 ty", "On Mon, 1 Jan 2024, A wrote:\n> foo\n\nApplied, thanks!\n\n[1/2] pwm: foo: fix\n      commit: 0123456789ab\n[2/2] pwm: foo: more\n      commit: 89abcdef0123\n\nBest regards,\n", "", want{kind: review.SignalApplied, parts: []int{1, 2}}},
		{"b4 ty partial link", "Thanks, Applied to https://git.kernel.org/pub/scm/linux/kernel/git/amlogic/linux.git (v6.3/arm64-dt)\n\n[2/8] arm64: dts: amlogic: Fix node names\n      https://git.kernel.org/amlogic/c/1be13a5091bf71627aa1a3d35360b039510f42f3\n", "", want{kind: review.SignalApplied, parts: []int{2}}},
		{"patchwork-bot", "Hello:\n\nThis series was applied to chrome-platform/linux.git (for-next)\nby Heiko Stuebner <heiko@sntech.de>:\n\nOn Mon, 14 Feb 2022 you wrote:\n> Hi,\n\nHere is the summary with links:\n  - [v2,1/2] dt-bindings: pwm: foo\n    https://git.kernel.org/x/c/abc\n  - [v2,2/2] pwm: foo\n    https://git.kernel.org/x/c/def\n", "patchwork-bot", want{kind: review.SignalApplied, parts: []int{1, 2}}},
		{"pw-bot accept", "pw-bot: accept\n", "", want{kind: review.SignalApplied, whole: true}},
		{"pw-bot cr", "Please fix.\n\npw-bot: cr\n", "", want{kind: review.SignalChangesRequested, whole: true}},
		{"pw-bot changes-requested", "Acked-by: X <x@y>\npw-bot: changes-requested\n", "", want{kind: review.SignalChangesRequested, whole: true}},
		{"pw-bot reject", "pw-bot: reject\n", "", want{kind: review.SignalRejected, whole: true}},
		{"robot errors", "Hi,\n\nkernel test robot noticed the following build errors:\n\n[auto build test ERROR on pwm/for-next]\n", "kernel-test-robot", want{kind: review.SignalBuildError}},
		{"robot old style", "Hi,\n\nThank you for the patch! Yet something to improve:\n\n[auto build test ERROR on linus/master]\n", "kernel-test-robot", want{kind: review.SignalBuildError}},
		{"new revision", "Thanks for the review. I'll send a v2 with these fixed.\n", "", want{kind: review.SignalNewRevision}},
		{"will fix in next version", "Right, will fix in the next version.\n", "", want{kind: review.SignalNewRevision}},

		{"quoted", "> Applied, thanks!\n\nWhy?\n", "", none},
		{"after signature", "Thanks\n-- \nApplied, thanks!\n", "", none},
		{"will be applied", "This patch will be applied after the merge window.\n", "", none},
		{"not applied", "Not applied, the series needs a rebase.\n", "", none},
		{"patch not applied", "The patch is not applied yet.\n", "", none},
		{"cannot be applied", "This can't be applied as is.\n", "", none},
		{"on top of", "I applied this on top of v6.5 and it boots.\n", "", none},
		{"on top of alone", "Applied on top of pwm/for-next.\n", "", none},
		{"does not apply", "The patch doesn't apply to pwm/for-next.\n", "", none},
		{"question", "Applied?\n", "", none},
		{"question 2", "Has this been applied?\n", "", none},
		{"could you apply", "Could you apply this patch?\n", "", none},
		{"tester", "I applied the patch and tested it on my board.\n", "", none},
		{"tester with tree", "Applied to next-20240101 and it works fine.\n", "", none},
		{"suggestion", "I applied your suggestion.\n", "", none},
		{"future pick", "I'll pick it up after -rc1.\n", "", none},
		{"locally", "Applied locally, will push later.\n", "", none},
		{"own branch", "Just applied it to my own branch, all okay from my side.\n", "", none},
		{"picked up work", "I've picked up work based on Devi's last submission.\n", "", none},
		{"drm queued branch", "This goes via drm-intel-next-queued.\n", "", none},
		{"robot footer", "[If your patch is applied to the wrong git tree, kindly drop us a note.\n", "", none},
		{"dt bot", "This patch series was applied (using b4) to base:\n Base: using specified base-commit 846bd22\n", "", none},
		{"pw-bot not-applicable", "Acked-by: Conor Dooley <conor.dooley@microchip.com>\npw-bot: not-applicable\n", "", none},
		{"quoted pw-bot", "> pw-bot: cr\n\nOK.\n", "", none},
		{"robot says applied", "Applied, thanks!\n", "kernel-test-robot", none},
		{"pr-tracker-bot merged", "The pull request you sent on Fri, 5 Dec 2025:\n\n> git://git.kernel.org/pub/scm/linux/kernel/git/ukleinek/linux.git pwm/for-6.19-rc1\n\nhas been merged into torvalds/linux.git:\nhttps://git.kernel.org/torvalds/c/abc\n", "pr-tracker-bot", want{kind: review.SignalApplied, whole: true}},
		{"pr-tracker-bot without a merge", "Thank you!\n", "pr-tracker-bot", none},
		{"other bot", "Applied, thanks!\n", "syzbot", none},
		{"once and applied", "Once it is reviewed and applied, I'll rebase.\n", "", none},
		{"would be applied", "I'd wait until it is tested and applied.\n", "", none},
		{"question v2", "Should I send a v2?\n", "", none},
		{"conditional v2", "If you want, I'll send a v2.\n", "", none},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := review.ScanSignals(tc.text, tc.bot)
			if tc.want.kind == "" {
				if len(got) > 0 {
					t.Fatalf("ScanSignals(%q) = %+v, want none", tc.text, got)
				}
				return
			}
			if len(got) != 1 {
				t.Fatalf("ScanSignals(%q) = %+v, want one %s", tc.text, got, tc.want.kind)
			}
			g := got[0]
			if g.Kind != tc.want.kind || !reflect.DeepEqual(g.Parts, tc.want.parts) || g.Whole != tc.want.whole || g.DTS != tc.want.dts || g.Some != tc.want.some && !tc.want.dts {
				t.Errorf("ScanSignals(%q) = %+v, want %+v", tc.text, g, tc.want)
			}
			if g.Line == "" {
				t.Errorf("signal without its line: %+v", g)
			}
		})
	}
	t.Run("patchwork-bot names the applier", func(t *testing.T) {
		got := review.ScanSignals("This patch was applied to netdev/net.git (main)\nby Jakub Kicinski <kuba@kernel.org>:\n", "patchwork-bot")
		if len(got) != 1 || got[0].By != "Jakub Kicinski" {
			t.Errorf("got %+v, want one applied signal by Jakub Kicinski", got)
		}
	})
}

// msg is one message of a synthetic thread.
type msg struct {
	from, id, inReplyTo, subject, body string
	day                                int // days after 2025-01-01
}

const author = "Ann Author <ann@example.org>"

// patchMsg is patch n of total touching file.
func patchMsg(n, total int, file string, day int) msg {
	body := fmt.Sprintf("Change %d.\n\nSigned-off-by: %s\n---\n %s | 1 +\n 1 file changed, 1 insertion(+)\n\ndiff --git a/%s b/%s\n--- a/%s\n+++ b/%s\n@@ -1,2 +1,3 @@\n line one\n+line %d\n line two\n",
		n, author, file, file, file, file, file, n)
	return msg{from: author, id: fmt.Sprintf("p%d@x", n), inReplyTo: "cover@x",
		subject: fmt.Sprintf("[PATCH %d/%d] foo: change %d", n, total, n), body: body, day: day}
}

func reply(from, id, to, body string, day int) msg {
	return msg{from: from, id: id, inReplyTo: to, subject: "Re: [PATCH] foo", body: body, day: day}
}

// thread builds a series with a cover and one patch per file, then the
// replies.
func thread(files []string, replies ...msg) []msg {
	out := []msg{{from: author, id: "cover@x", subject: fmt.Sprintf("[PATCH 0/%d] foo: changes", len(files)), body: "A series.\n", day: 0}}
	for i, f := range files {
		out = append(out, patchMsg(i+1, len(files), f, 0))
	}
	return append(out, replies...)
}

func mbox(msgs []msg) string {
	var b strings.Builder
	base := time.Date(2025, 1, 1, 12, 0, 0, 0, time.UTC)
	for i, m := range msgs {
		fmt.Fprintf(&b, "From mboxrd@z Thu Jan  1 00:00:00 1970\nFrom: %s\nSubject: %s\nMessage-ID: <%s>\nDate: %s\n",
			m.from, m.subject, m.id, base.Add(time.Duration(m.day)*24*time.Hour+time.Duration(i)*time.Minute).Format(time.RFC1123Z))
		if m.inReplyTo != "" {
			fmt.Fprintf(&b, "In-Reply-To: <%s>\nReferences: <%s>\n", m.inReplyTo, m.inReplyTo)
		}
		fmt.Fprintf(&b, "\n%s\n", m.body)
	}
	return b.String()
}

func stateOf(t *testing.T, msgs []msg, opts *review.StateOptions) *review.Series {
	t.Helper()
	res, err := review.Ingest(context.Background(), mail.NewMboxReader(strings.NewReader(mbox(msgs)), "t.mbox", nil), &review.IngestOptions{State: opts})
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range res.Series {
		if s.Cover != nil && s.Cover.MessageID == "cover@x" {
			return s
		}
	}
	t.Fatalf("no series with the cover: %d series", len(res.Series))
	return nil
}

// TestSeriesStates: who may say what, partial application, precedence by
// message order, staleness.
func TestSeriesStates(t *testing.T) {
	const maint = "Mo Maintainer <mo@kernel.org>"
	isMaint := func(email string, _ []string) bool { return strings.HasPrefix(email, "mo") }
	noStale := &review.StateOptions{StaleAfter: -1, IsMaintainer: isMaint}
	two := []string{"drivers/pwm/pwm-foo.c", "drivers/pwm/pwm-bar.c"}
	three := []string{"drivers/pwm/pwm-foo.c", "drivers/pwm/pwm-bar.c", "drivers/pwm/pwm-baz.c"}
	withDTS := []string{"drivers/pwm/pwm-foo.c", "Documentation/devicetree/bindings/pwm/foo.yaml", "arch/riscv/boot/dts/thead/th1520.dtsi"}
	for _, tc := range []struct {
		name       string
		msgs       []msg
		want       review.State
		reasonHas  string
		stateOpts  *review.StateOptions
		wantReason string
	}{
		{name: "new", msgs: thread(two), want: review.StateNew, reasonHas: "no review"},
		{name: "reviewed", msgs: thread(two, reply("Rita <rita@example.org>", "r1@x", "cover@x", "Reviewed-by: Rita <rita@example.org>\n", 1)),
			want: review.StateReviewed, reasonHas: "reviewed by Rita"},
		{name: "self review is not review", msgs: thread(two, reply(author, "r1@x", "cover@x", "Reviewed-by: "+author+"\n", 1)),
			want: review.StateNew},
		{name: "applied to cover", msgs: thread(two, reply(maint, "r1@x", "cover@x", "Applied to pwm/for-next, thanks!\n", 3)),
			want: review.StateApplied, wantReason: `applied by Mo Maintainer on 2025-01-04: "Applied to pwm/for-next, thanks!"`},
		{name: "the author's plain applied is not applied", msgs: thread(two, reply(author, "r1@x", "cover@x", "Applied, thanks!\n", 3)),
			want: review.StateNew},
		// Only a maintainer names the branch or the commits: a maintainer
		// applying their own series (Uwe, Danilo on linux-pwm) says so.
		{name: "the author applying to a named tree is applied", msgs: thread(two, reply(author, "r1@x", "cover@x", "Applied to pwm/for-next, thanks!\n", 3)),
			want: review.StateApplied, reasonHas: "pwm/for-next"},
		{name: "quoted applied is not applied", msgs: thread(two, reply("Rita <rita@example.org>", "r1@x", "cover@x", "> Applied, thanks!\n\nThis broke my build.\n", 3)),
			want: review.StateNew},
		{name: "every patch applied one by one", msgs: thread(two,
			reply(maint, "r1@x", "p1@x", "Applied, thanks!\n", 3), reply(maint, "r2@x", "p2@x", "Applied, thanks!\n", 4)),
			want: review.StateApplied, reasonHas: "2025-01-05"},
		{name: "patch 1 of 3 applied, the rest needs work", msgs: thread(three,
			reply(maint, "r1@x", "p1@x", "Applied patch 1, the rest needs work.\n", 3)),
			want: review.StateNew, reasonHas: "patch 1 of 3 applied by Mo Maintainer"},
		{name: "partial with only dts left", msgs: thread(withDTS,
			reply(maint, "r1@x", "cover@x", "I applied patches #1-#2 to\n\n\thttps://git.kernel.org/x pwm/for-next\n", 3)),
			want: review.StateApplied, reasonHas: "patch 3 (device-tree sources) left to the SoC tree"},
		{name: "dts applied by the SoC maintainer leaves the driver open", msgs: thread(withDTS,
			reply("Sam Soc <sam@example.org>", "r1@x", "cover@x", "Applied the dts patches to soc/dt, thanks!\n", 3)),
			want: review.StateNew, reasonHas: "patch 3 of 3 applied by Sam Soc"},
		{name: "both in a 3-patch series is the patch answered", msgs: thread(three,
			reply(maint, "r1@x", "p2@x", "Me too. Applied both.\n", 3)),
			want: review.StateNew, reasonHas: "patch 2 of 3 applied"},
		{name: "both in a 2-patch series is the series", msgs: thread(two,
			reply(maint, "r1@x", "p2@x", "Applied both.\n", 3)),
			want: review.StateApplied},
		{name: "the two patches of a 2-patch series", msgs: thread(two,
			reply(maint, "r1@x", "cover@x", "I applied the two patches now without further feedback to pwm/for-next.\n", 3)),
			want: review.StateApplied},
		{name: "the two patches of a 3-patch series", msgs: thread(three,
			reply(maint, "r1@x", "cover@x", "I applied the two patches to pwm/for-next.\n", 3)),
			want: review.StateNew},
		{name: "b4 ty partial", msgs: thread(three,
			reply(maint, "r1@x", "cover@x", "Applied, thanks!\n\n[1/3] foo: change 1\n      commit: 0123456789ab\n", 3)),
			want: review.StateNew, reasonHas: "patch 1 of 3 applied"},
		{name: "pw-bot cr from a maintainer", msgs: thread(two, reply(maint, "r1@x", "p1@x", "Drop it.\n\npw-bot: cr\n", 2)),
			want: review.StateChangesRequested, wantReason: `changes requested by Mo Maintainer on 2025-01-03: "pw-bot: cr"`},
		{name: "pw-bot cr from the author", msgs: thread(two, reply(author, "r1@x", "cover@x", "pw-bot: changes-requested\n", 2)),
			want: review.StateChangesRequested},
		{name: "pw-bot cr from a bystander is ignored", msgs: thread(two, reply("Rita <rita@example.org>", "r1@x", "cover@x", "pw-bot: cr\n", 2)),
			want: review.StateNew},
		{name: "pw-bot reject", msgs: thread(two, reply(maint, "r1@x", "cover@x", "No.\n\npw-bot: reject\n", 2)),
			want: review.StateRejected, reasonHas: "rejected by Mo Maintainer"},
		{name: "pw-bot accept", msgs: thread(two, reply(maint, "r1@x", "cover@x", "pw-bot: accept\n", 2)),
			want: review.StateApplied},
		{name: "robot build error", msgs: thread(two, reply("kernel test robot <lkp@intel.com>", "r1@x", "p2@x", "Hi,\n\nkernel test robot noticed the following build errors:\n", 1)),
			want: review.StateChangesRequested, reasonHas: "build bot report"},
		{name: "author announces v2", msgs: thread(two, reply(author, "r1@x", "p1@x", "Good point, I'll send a v2.\n", 1)),
			want: review.StateChangesRequested, reasonHas: "author announced a new revision"},
		{name: "bystander announcing v2 is ignored", msgs: thread(two, reply("Rita <rita@example.org>", "r1@x", "p1@x", "I'll send a v2 of my own series.\n", 1)),
			want: review.StateNew},
		{name: "changes requested, v2 announced, then applied", msgs: thread(two,
			reply(maint, "r1@x", "p1@x", "pw-bot: cr\n", 1), reply(author, "r2@x", "r1@x", "Will fix in v2.\n", 2),
			reply(maint, "r3@x", "cover@x", "Applied with the fixup, thanks.\n", 5)),
			want: review.StateApplied},
		{name: "applied then robot error", msgs: thread(two,
			reply(maint, "r1@x", "cover@x", "Applied, thanks!\n", 1),
			reply("kernel test robot <lkp@intel.com>", "r2@x", "p1@x", "kernel test robot noticed the following build errors:\n", 2)),
			want: review.StateChangesRequested},
		{name: "stale", msgs: thread(two, reply("Other <o@example.org>", "o1@x", "", "unrelated\n", 200)),
			stateOpts: &review.StateOptions{}, want: review.StateStale, reasonHas: "no message for 200 days"},
		{name: "stale measured from Now", msgs: thread(two), stateOpts: &review.StateOptions{Now: time.Date(2025, 2, 1, 0, 0, 0, 0, time.UTC), StaleAfter: 7 * 24 * time.Hour},
			want: review.StateStale, reasonHas: "was new"},
		{name: "applied is never stale", msgs: thread(two, reply(maint, "r1@x", "cover@x", "Applied, thanks!\n", 1), reply("Other <o@example.org>", "o1@x", "", "unrelated\n", 200)),
			stateOpts: &review.StateOptions{}, want: review.StateApplied},
	} {
		t.Run(tc.name, func(t *testing.T) {
			opts := tc.stateOpts
			if opts == nil {
				opts = noStale
			}
			s := stateOf(t, tc.msgs, opts)
			if s.State != tc.want {
				t.Errorf("state = %s (%s), want %s", s.State, s.StateReason, tc.want)
			}
			if tc.reasonHas != "" && !strings.Contains(s.StateReason, tc.reasonHas) {
				t.Errorf("reason = %q, want it to contain %q", s.StateReason, tc.reasonHas)
			}
			if tc.wantReason != "" && s.StateReason != tc.wantReason {
				t.Errorf("reason = %q, want %q", s.StateReason, tc.wantReason)
			}
		})
	}
}

// TestStateFromTree: every patch's patch-id in the tree's history makes
// the series applied, whatever the mail says; one missing does not.
func TestStateFromTree(t *testing.T) {
	msgs := thread([]string{"drivers/pwm/pwm-foo.c", "drivers/pwm/pwm-bar.c"})
	s := stateOf(t, msgs, &review.StateOptions{StaleAfter: -1})
	ids := map[string]bool{}
	for _, pt := range s.Parts {
		if pt.Post.PatchID == "" {
			t.Fatalf("patch %d has no patch-id", pt.Number)
		}
		ids[pt.Post.PatchID] = true
	}
	s = stateOf(t, msgs, &review.StateOptions{StaleAfter: -1, AppliedPatchIDs: ids})
	if s.State != review.StateApplied || !strings.Contains(s.StateReason, "tree") {
		t.Errorf("all patch-ids in the tree: state = %s (%s), want applied", s.State, s.StateReason)
	}
	delete(ids, s.Parts[1].Post.PatchID)
	s = stateOf(t, msgs, &review.StateOptions{StaleAfter: -1, AppliedPatchIDs: ids})
	if s.State == review.StateApplied {
		t.Errorf("one patch-id missing from the tree: state = applied (%s)", s.StateReason)
	}
}

// TestStateSuperseded: an older revision is superseded unless it was
// itself applied.
func TestStateSuperseded(t *testing.T) {
	msgs := thread([]string{"drivers/pwm/pwm-foo.c"})
	v2 := patchMsg(1, 1, "drivers/pwm/pwm-foo.c", 5)
	v2.id, v2.inReplyTo, v2.subject = "v2@x", "", "[PATCH v2] foo: changes"
	res, err := review.Ingest(context.Background(), mail.NewMboxReader(strings.NewReader(mbox(append(msgs, v2))), "t.mbox", nil), &review.IngestOptions{State: &review.StateOptions{StaleAfter: -1}})
	if err != nil {
		t.Fatal(err)
	}
	var old *review.Series
	for _, s := range res.Series {
		if s.Cover != nil && s.Cover.MessageID == "cover@x" {
			old = s
		}
	}
	if old == nil || old.Next == nil {
		t.Fatalf("v1 not linked to v2: %+v", old)
	}
	if old.State != review.StateSuperseded || !strings.Contains(old.StateReason, "superseded by v2") {
		t.Errorf("v1 state = %s (%s), want superseded by v2", old.State, old.StateReason)
	}
	if old.Next.State != review.StateNew {
		t.Errorf("v2 state = %s (%s), want new", old.Next.State, old.Next.StateReason)
	}
}

// TestMaintainerAuthorApplies: with the option, a maintainer's "Applied"
// on their own series counts; an author who maintains nothing still does
// not.
func TestMaintainerAuthorApplies(t *testing.T) {
	msgs := thread([]string{"drivers/pwm/pwm-foo.c"}, reply(author, "r1@x", "cover@x", "Applied, thanks!\n", 3))
	for _, tc := range []struct {
		name  string
		maint bool
		want  review.State
	}{{"author maintains the files", true, review.StateApplied}, {"author maintains nothing", false, review.StateNew}} {
		t.Run(tc.name, func(t *testing.T) {
			s := stateOf(t, msgs, &review.StateOptions{StaleAfter: -1, MaintainerAuthorApplies: true,
				IsMaintainer: func(email string, _ []string) bool { return tc.maint && email == "ann@example.org" }})
			if s.State != tc.want {
				t.Errorf("state = %s (%s), want %s", s.State, s.StateReason, tc.want)
			}
		})
	}
}

// TestStaleIgnoresFarFutureDates: one message dated decades ahead among
// a hundred does not make every thread stale.
func TestStaleIgnoresFarFutureDates(t *testing.T) {
	msgs := thread([]string{"drivers/pwm/pwm-foo.c"})
	for i := 0; i < 120; i++ {
		msgs = append(msgs, msg{from: "Other <o@example.org>", id: fmt.Sprintf("o%d@x", i), subject: "unrelated", body: "hi\n", day: 1})
	}
	msgs = append(msgs, msg{from: "Clock <c@example.org>", id: "future@x", subject: "bogus date", body: "hi\n", day: 365 * 70})
	s := stateOf(t, msgs, &review.StateOptions{})
	if s.State != review.StateNew {
		t.Errorf("state = %s (%s), want new", s.State, s.StateReason)
	}
}

// TestSignalsOfOneMessageAgree: a whole-sounding sentence in a message
// that names its patches elsewhere takes those patches only.
func TestSignalsOfOneMessageAgree(t *testing.T) {
	text := "Hi,\n\nThanks, Applied to https://git.kernel.org/pub/scm/linux/kernel/git/amlogic/linux.git (v6.13/arm64-dt)\n\n[3/3] arm64: dts: amlogic: a1: add pwm nodes\n      https://git.kernel.org/amlogic/c/0123456789abcdef0123\n\nThese changes has been applied on the intermediate git tree [1].\n"
	got := review.ScanSignals(text, "")
	if len(got) == 0 {
		t.Fatal("no signal")
	}
	for _, s := range got {
		if s.Kind != review.SignalApplied || !reflect.DeepEqual(s.Parts, []int{3}) || s.Whole {
			t.Errorf("signal %+v, want applied to patch 3 only", s)
		}
	}
}

// pullRequest is a maintainer's pull request whose shortlog lists the
// given patch titles by author.
func pullRequest(id string, day int, author string, titles ...string) msg {
	body := "Hello Linus,\n\nThe following changes since commit 254f49634ee16a731174d2ae34bc50bd5f45e731:\n\n" +
		"  Linux 7.1-rc1 (2026-04-26 14:19:00 -0700)\n\nare available in the Git repository at:\n\n" +
		"  https://git.kernel.org/pub/scm/linux/kernel/git/mo/linux.git tags/pwm/for-7.2-rc1\n\n" +
		"----------------------------------------------------------------\n" + fmt.Sprintf("%s (%d):\n", author, len(titles))
	for _, title := range titles {
		body += "      " + title + "\n"
	}
	return msg{from: "Mo Maintainer <mo@kernel.org>", id: id, subject: "[GIT PULL] pwm: Changes for 7.2-rc1", body: body, day: day}
}

// A pull request that lists a series' patches, by their author, after
// they were sent makes them applied: all of them the series, some of them
// a note; another author's commits of the same title, or a pull request
// sent before the patches, do not.
func TestAppliedByPullRequest(t *testing.T) {
	opts := &review.StateOptions{StaleAfter: -1}
	two := []string{"drivers/pwm/pwm-foo.c", "drivers/pwm/pwm-bar.c"}
	for _, tc := range []struct {
		name       string
		pull       msg
		want       review.State
		wantReason string
	}{
		{"every patch", pullRequest("pr@x", 5, "Ann Author", "foo: change 1", "foo: change 2"), review.StateApplied,
			`applied by Mo Maintainer on 2025-01-06: "[GIT PULL] pwm: Changes for 7.2-rc1"`},
		{"one of two", pullRequest("pr@x", 5, "Ann Author", "foo: change 2"), review.StateNew,
			"no review yet; patch 2 of 2 applied by Mo Maintainer on 2025-01-06"},
		{"another author", pullRequest("pr@x", 5, "Bea Other", "foo: change 1", "foo: change 2"), review.StateNew, "no review yet"},
		{"more than two years later", pullRequest("pr@x", 800, "Ann Author", "foo: change 1", "foo: change 2"), review.StateNew, "no review yet"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := stateOf(t, append(thread(two), tc.pull), opts)
			if s.State != tc.want || s.StateReason != tc.wantReason {
				t.Errorf("state %s (%s), want %s (%s)", s.State, s.StateReason, tc.want, tc.wantReason)
			}
		})
	}
	t.Run("listed again", func(t *testing.T) {
		msgs := append(thread(two, reply("Mo Maintainer <mo@kernel.org>", "r2@x", "p2@x", "Applied, thanks!\n", 4)),
			pullRequest("pr@x", 5, "Ann Author", "foo: change 2"))
		want := "no review yet; patch 2 of 2 applied by Mo Maintainer on 2025-01-05" // the reply's day, not the pull request's
		if s := stateOf(t, msgs, opts); s.StateReason != want {
			t.Errorf("state %s (%s), want %q", s.State, s.StateReason, want)
		}
	})
	t.Run("two appliers", func(t *testing.T) {
		three := append(two, "drivers/pwm/pwm-baz.c")
		msgs := append(thread(three, reply("Sam Soc <sam@kernel.org>", "r3@x", "p3@x", "Applied, thanks!\n", 6)),
			pullRequest("pr@x", 5, "Ann Author", "foo: change 2"))
		want := "no review yet; patch 2 of 3 applied by Mo Maintainer on 2025-01-06, patch 3 by Sam Soc on 2025-01-07"
		if s := stateOf(t, msgs, opts); s.State != review.StateNew || s.StateReason != want {
			t.Errorf("state %s (%s), want new (%s)", s.State, s.StateReason, want)
		}
	})
	t.Run("an older revision stays superseded", func(t *testing.T) {
		msgs := thread(two)
		v2 := msg{from: author, id: "cover2@x", subject: "[PATCH v2 0/2] foo: changes", body: "A series.\n", day: 3}
		msgs = append(msgs, v2)
		for _, n := range []int{1, 2} {
			p := patchMsg(n, 2, two[n-1], 3)
			p.id, p.inReplyTo, p.subject = fmt.Sprintf("p%dv2@x", n), "cover2@x", fmt.Sprintf("[PATCH v2 %d/2] foo: change %d", n, n)
			msgs = append(msgs, p)
		}
		msgs = append(msgs, pullRequest("pr@x", 5, "Ann Author", "foo: change 1", "foo: change 2"))
		if s := stateOf(t, msgs, opts); s.State != review.StateSuperseded {
			t.Errorf("v1: state %s (%s), want superseded", s.State, s.StateReason)
		}
	})
	t.Run("sent before the patches", func(t *testing.T) {
		early := pullRequest("pr@x", 0, "Ann Author", "foo: change 1", "foo: change 2")
		s := stateOf(t, append([]msg{early}, thread(two)...), opts)
		if s.State != review.StateNew {
			t.Errorf("state %s (%s), want new", s.State, s.StateReason)
		}
	})
}
