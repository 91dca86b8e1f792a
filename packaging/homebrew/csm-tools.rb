# Homebrew formula for csm-tools (macOS and Linuxbrew).
#
# To release: tag vX.Y.Z, run `make dist`, upload csm-tools-X.Y.Z.tar.gz
# to the release, then set url and sha256 below (make dist prints the
# sha256) and copy this file into a tap:
#   brew tap-new you/csm && cp packaging/homebrew/csm-tools.rb \
#       "$(brew --repository you/csm)/Formula/"
#   brew install you/csm/csm-tools
# Until then `brew install --HEAD` builds from the main branch.
class CsmTools < Formula
  desc "Unix filters for customer-success data: health, churn risk, NRR, QBRs"
  homepage "https://github.com/csm-tools/csm-tools"
  url "https://github.com/csm-tools/csm-tools/releases/download/v0.2.0/csm-tools-0.2.0.tar.gz"
  sha256 "0000000000000000000000000000000000000000000000000000000000000000"
  license "BSD-2-Clause"
  head "https://github.com/csm-tools/csm-tools.git", branch: "main"

  depends_on "libcsv"
  depends_on "libyaml"

  def install
    system "make", "install",
           "PREFIX=#{prefix}",
           "CPPFLAGS=-D_XOPEN_SOURCE=700 -D_DARWIN_C_SOURCE -Icommon " \
           "-I#{HOMEBREW_PREFIX}/include",
           "LDFLAGS=-L#{HOMEBREW_PREFIX}/lib"
  end

  test do
    assert_match version.to_s, shell_output("#{bin}/csm-score --version")
    (testpath/"a.csv").write <<~CSV
      account_id,licensed_seats,active_users,logins_30d,logins_prev_30d,tickets_30d,nps,champion_left
      A1,10,9,100,100,0,9,no
    CSV
    assert_match "green", shell_output("#{bin}/csm-score a.csv")
  end
end
