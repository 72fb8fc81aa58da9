#!/usr/bin/env python3
"""Writes doctor/src/seed_quotes.cpp: for each cause maillab doctor names, the seed lines
that describe it, found by a phrase and quoted whole, so each quote is exact."""
import re
import os
import sys

# Usage: scripts/doctor_seed_quotes.py [SEEDS_DIR]   (default /work/shared/seeds)
S = (sys.argv[1] if len(sys.argv) > 1 else "/work/shared/seeds").rstrip("/") + "/"
OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "doctor", "src", "seed_quotes.cpp")
de=open(S+"000_3cdcd2641eb803a1.txt",encoding="utf-8").read().splitlines()
ja=open(S+"003_8bdafd7c18774d3f.txt",encoding="utf-8").read().splitlines()
s2=open(S+"002_db24e2c166d45d16.txt",encoding="utf-8").read().splitlines()
s4=open(S+"004_507ac4493172e2ce.txt",encoding="utf-8").read().splitlines()
def q(lines, phrase, name):
    hits=[(i,l) for i,l in enumerate(lines) if phrase in l]
    assert len(hits)>=1, (name, phrase)
    i,l=hits[0]
    t=l.strip()
    t=re.sub(r"^\d+\.\s+","",t)
    return t, i+1
M=[
 ("ServiceStopped","000",["Starten Sie den Dienst \"Microsoft-Connector für POP3-Postfächer\"","Wenn in der Spalte Status nicht Gestartet"],
   ["Microsoft Connector for POP3 Mailboxes サービスが起動していない場合は"]),
 ("ConnectFailed","000",["Prüfen Sie, ob Sie den richtigen Hostnamen","Vergewissern Sie sich, ob der Anschluss 110","Stellen Sie sicher, dass ausgehender Verkehr an Anschluss 110"],
   ["入力したリモート コンピュータのホスト名","のポート 110 で、送信方向のトラフィック","すべてのファイアウォールとルーターで"]),
 ("BannerNotOk","000",["Hinweis: Dieses Banner sieht eventuell"],["このバナーは接続先の POP3 サーバーの種類"]),
 ("LogonFailure","000",["Überprüfen Sie in diesem Szenario den Benutzernamen"],["この場合は、POP3 アカウントのユーザー名とパスワードを確認します"]),
 ("EmptyDrop","000",["Stellen Sie sicher, dass die E-Mail-Adresse beim POP3-Remoteserver","Stellen Sie sicher, dass kein weiterer POP3-Client","Trennen Sie die Telnet-Sitzung"],
   ["リモート POP3 サーバーの電子メール アドレスが正しく","同じメールボックスにアクセスしている他のクライアントがない","Telnet セッションを切断し"]),
 ("CompetingClient","000",["Stellen Sie sicher, dass kein weiterer POP3-Client"],["同じメールボックスにアクセスしている他のクライアントがない"]),
 ("QuitReply","000",["Geben Sie quit ein"],["quit と入力し"]),
 ("CdoEvents","000",["In diesem Szenario können die beiden folgenden Ereignisse"],["この場合、診断ログのレベルが最大に設定されていれば"]),
 ("MissingFolders","000",["Wenn einer oder beide Ordner nicht existieren"],["これらのフォルダの一方または両方が存在しない場合"]),
 ("FilesStuck","000",["Wenn die E-Mail-Nachrichten erfolgreich übermittelt werden, funktioniert"],["これらの電子メール メッセージが正常に配信される場合は SMTP 配信処理"]),
 ("CorruptFiles","000",["Sehen Sie sich die Dateien im Ordner \"Incoming Mail\" an"],["Incoming Mail フォルダのファイルを表示して"]),
 ("ChangedFiles","000",["Überprüfen Sie bei allen Dateien, die CDO nicht erfolgreich"],["CDO が PickUp フォルダに移動できなかったすべてのファイル"]),
 ("Components","000",["Benennen Sie alle folgenden Dateien auf dem Windows Small Business Server-Computer um","Registrieren Sie die ersetzten Dateien mithilfe"],
   ["Windows Small Business Server ベースのコンピュータにある以下のファイルの名前をすべて変更し","置き換えた後のファイルを regsvr32 コマンドで登録します"]),
 ("FailedMail","000",["Wenn Dateien im Ordner \"Failed Mail\" vorhanden sind"],["Failed Mail フォルダにファイルが存在する場合は"]),
 ("UnknownRecipient","000",["Überprüfen Sie, ob die Empfänger existieren"],["受信者であるユーザーが存在し"]),
 ("SmtpStopped","000",["Wenn sich Dateien im Ordner \"PickUp\" befinden und die Anzahl"],["PickUp フォルダにファイルがあり、このフォルダ内のファイル数が増加し続ける"]),
 ("Quota","000",["Prüfen Sie, ob das Postfachkontingent"],["該当するユーザーのメールボックスのサイズが"]),
 ("RecipientPolicy","000",["Vergewissern Sie sich, dass Ihre Standardempfängerrichtlinie"],["デフォルトの受信者ポリシーに正しい電子メール ドメイン"]),
 ("AnonymousDisabled","000",["Stellen Sie fest, ob der anonyme Zugriff","Aktivieren Sie das Kontrollkästchen Anonymer Zugriff"],["既定の SMTP 仮想サーバーで匿名アクセスが無効になっていないか","[匿名アクセス] チェック ボックスをオンにし"]),
 ("PickupScanner","000",["Stellen Sie sicher, dass der Ordner \"PickUp\" auf dem"],["ウイルス対策プログラムが PickUp フォルダをスキャンしていない"]),
]
M2=[("VerbsMissing",["Wenn Sie nur die in Beispiel","Sonstige unvollständige Listen","Bei einer Beschädigung der IIS-Metabase müssen"]),
 ("SizeLimit",["Sollten E-Mails beim POP3-Anbieter mit größerem Anhang"]),
 ("SenderDenied",["Entweder lag es am Spamfilter","Ansonsten hilft in diesem Fall nur das Löschen"]),
 ("Slowdown",["In den POP3-Postfächern sammeln sich","Ansonsten hilft in diesem Fall nur das Löschen"]),
]
def lit(parts):
    return 'R"q(' + " ".join(parts) + ')q"'
out=['// Generated from the seeds by quoting whole lines (list numbers dropped): the KB steps',
     '// behind each cause in seed 000\'s German and seed 003\'s Japanese, seed 002 and seed 004',
     '// in German (they exist in no other language). Regenerate with scripts/doctor_seed_quotes.py, do not edit.',
     '#include "seed_quotes.hpp"','','namespace maillab::doctor {','',
     'SeedQuote seed_quote(Cause cause) {','  switch (cause) {']
for name,_,dp,jp in M:
    d=[q(de,p,name) for p in dp]; j=[q(ja,p,name) for p in jp]
    out.append(f'    case Cause::{name}:  // seed 000 line {", ".join(str(x[1]) for x in d)}; seed 003 line {", ".join(str(x[1]) for x in j)}')
    out.append(f'      return {{"seed 000", {lit([x[0] for x in d])}, "seed 003", {lit([x[0] for x in j])}}};')
for name,dp in M2:
    src = s2 if name=="VerbsMissing" else s4
    tag = "seed 002" if name=="VerbsMissing" else "seed 004"
    d=[q(src,p,name) for p in dp]
    out.append(f'    case Cause::{name}:  // {tag} line {", ".join(str(x[1]) for x in d)}')
    out.append(f'      return {{"{tag}", {lit([x[0] for x in d])}, "", ""}};')
out+=['  }','  return {};','}','','}  // namespace maillab::doctor','']
open(OUT,"w",encoding="utf-8").write("\n".join(out))
