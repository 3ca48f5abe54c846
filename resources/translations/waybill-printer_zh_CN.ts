<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN">
<context>
    <name>AppSecretRows</name>
    <message>
        <source>Stored in the system keyring, never in the settings file.</source>
        <translation>保存在系统密钥环中，绝不写入设置文件。</translation>
    </message>
    <message>
        <source>AppSecret</source>
        <translation>AppSecret</translation>
    </message>
    <message>
        <source>Forget credentials</source>
        <translation>清除凭据</translation>
    </message>
    <message>
        <source>Test connection</source>
        <translation>测试连接</translation>
    </message>
    <message>
        <source>Remove the saved AppSecret for {0} from this computer?</source>
        <translation>要从这台电脑上删除 {0} 已保存的 AppSecret 吗？</translation>
    </message>
    <message>
        <source>Testing the connection…</source>
        <translation>正在测试连接…</translation>
    </message>
    <message>
        <source>The connection test gave no answer.</source>
        <translation>连接测试没有返回结果。</translation>
    </message>
    <message>
        <source>Connection works.</source>
        <translation>连接正常。</translation>
    </message>
    <message>
        <source>Connection failed.</source>
        <translation>连接失败。</translation>
    </message>
    <message>
        <source>Connection failed. {0}</source>
        <translation>连接失败。{0}</translation>
    </message>
</context>
<context>
    <name>AttemptsTable</name>
    <message>
        <source>Started</source>
        <translation>开始时间</translation>
    </message>
    <message>
        <source>Printer or folder</source>
        <translation>打印机或文件夹</translation>
    </message>
    <message>
        <source>Copies</source>
        <translation>份数</translation>
    </message>
    <message>
        <source>Outcome</source>
        <translation>结果</translation>
    </message>
    <message>
        <source>Reprint</source>
        <translation>补打</translation>
    </message>
    <message>
        <source>Station</source>
        <translation>工位</translation>
    </message>
    <message>
        <source>Message</source>
        <translation>提示</translation>
    </message>
    <message>
        <source>yes</source>
        <translation>是</translation>
    </message>
</context>
<context>
    <name>CarrierBox</name>
    <message>
        <source>Carrier for scanned ids that name none</source>
        <translation>扫描的订单号未写快递公司时使用的快递公司</translation>
    </message>
</context>
<context>
    <name>CredentialsFlow</name>
    <message>
        <source>Settings not saved</source>
        <translation>设置未保存</translation>
    </message>
    <message>
        <source>The settings could not be written to {0}: {1}</source>
        <translation>无法把设置写入 {0}：{1}</translation>
    </message>
    <message>
        <source>Set up the account first: AppID and AppSecret.</source>
        <translation>请先设置账号：AppID 和 AppSecret。</translation>
    </message>
    <message>
        <source>{0}

Type the AppSecret for {1} now and keep it in memory for this session only? It is not saved anywhere and is forgotten when the program closes.</source>
        <translation>{0}

现在输入 {1} 的 AppSecret，并仅在本次运行期间保存在内存中吗？它不会保存到任何地方，程序关闭后即被清除。</translation>
    </message>
    <message>
        <source>System keyring unavailable</source>
        <translation>系统密钥环不可用</translation>
    </message>
    <message>
        <source>AppSecret for {0}:</source>
        <translation>{0} 的 AppSecret：</translation>
    </message>
</context>
<context>
    <name>FallbackPrintGuard</name>
    <message>
        <source>The warehouse ledger cannot be reached ({0}).

Without it, a waybill printed at another station is not recognised here.

Retry, or print with this station&apos;s own guard only: those prints are recorded here and written to the warehouse ledger when it is back, and any waybill printed elsewhere meanwhile is listed.</source>
        <translation>无法连接仓库打印记录库（{0}）。

没有它，本工位无法识别其他工位已打印的面单。

请重试，或仅用本工位自己的防重打印：这些打印记录在本工位，待记录库恢复后写入，期间在其他工位也打印过的面单会列出。</translation>
    </message>
    <message>
        <source>The warehouse ledger cannot be reached</source>
        <translation>无法连接仓库打印记录库</translation>
    </message>
    <message>
        <source>Retry</source>
        <translation>重试</translation>
    </message>
    <message>
        <source>Print with this station&apos;s guard only</source>
        <translation>仅用本工位的防重打印</translation>
    </message>
    <message>
        <source>this station&apos;s own ledger cannot be used either ({0})</source>
        <translation>本工位自己的记录文件也无法使用（{0}）</translation>
    </message>
    <message>
        <source>this station&apos;s own ledger could not record it ({0})</source>
        <translation>本工位自己的记录文件无法记录（{0}）</translation>
    </message>
    <message>
        <source>Warehouse ledger away: printing with this station&apos;s guard only</source>
        <translation>仓库打印记录库已断开：仅用本工位的防重打印</translation>
    </message>
    <message>
        <source>The warehouse ledger cannot be reached ({0}): printing with this station&apos;s own guard only. The prints are written to the warehouse ledger when it is back.</source>
        <translation>无法连接仓库打印记录库（{0}）：现仅用本工位的防重打印。记录库恢复后，这些打印会写入其中。</translation>
    </message>
    <message>
        <source>The warehouse ledger is back. While it was away, these waybills were printed here and at another station too: {0}</source>
        <translation>仓库打印记录库已恢复。断开期间，以下面单在本工位和其他工位都打印过：{0}</translation>
    </message>
    <message>
        <source>The warehouse ledger is back; the {0} prints made meanwhile are recorded in it.</source>
        <translation>仓库打印记录库已恢复；期间的 {0} 次打印已记入。</translation>
    </message>
</context>
<context>
    <name>FetchCommands</name>
    <message>
        <source>Nothing to fetch: scan or paste order ids first.</source>
        <translation>没有可获取的订单：请先扫描或粘贴订单号。</translation>
    </message>
    <message>
        <source>Cannot fetch: {0}</source>
        <translation>无法获取：{0}</translation>
    </message>
    <message numerus="yes">
        <source>Fetching %n order(s)…</source>
        <translation>
            <numerusform>正在获取 %n 个订单…</numerusform>
        </translation>
    </message>
    <message>
        <source>Fetch failed: {0}</source>
        <translation>获取失败：{0}</translation>
    </message>
    <message>
        <source>Fetched: {0} ready, {1} cancelled, {2} with errors.</source>
        <translation>获取完成：{0} 个待打印，{1} 个已取消，{2} 个出错。</translation>
    </message>
    <message numerus="yes">
        <source>%n not fetched (stopped).</source>
        <translation>
            <numerusform>%n 个未获取（已停止）。</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>FileImporter</name>
    <message>
        <source>Open a list of orders</source>
        <translation>打开订单列表</translation>
    </message>
    <message>
        <source>Order lists (*.csv *.txt *.tsv);;All files (*)</source>
        <translation>订单列表 (*.csv *.txt *.tsv);;所有文件 (*)</translation>
    </message>
    <message>
        <source>Reading {0}…</source>
        <translation>正在读取 {0}…</translation>
    </message>
    <message>
        <source>Cannot read {0}: {1}</source>
        <translation>无法读取 {0}：{1}</translation>
    </message>
</context>
<context>
    <name>HistoryWindow</name>
    <message>
        <source>Print history</source>
        <translation>打印历史记录</translation>
    </message>
    <message>
        <source>Only orders printed at this station (its exact name)</source>
        <translation>仅显示在此工位打印的订单（工位的完整名称）</translation>
    </message>
    <message>
        <source>Only from</source>
        <translation>仅限从</translation>
    </message>
    <message>
        <source>to</source>
        <translation>到</translation>
    </message>
    <message>
        <source>Order id:</source>
        <translation>订单号：</translation>
    </message>
    <message>
        <source>Waybill id:</source>
        <translation>运单号：</translation>
    </message>
    <message>
        <source>Carrier:</source>
        <translation>快递公司：</translation>
    </message>
    <message>
        <source>Station:</source>
        <translation>工位：</translation>
    </message>
    <message>
        <source>Date:</source>
        <translation>日期：</translation>
    </message>
    <message>
        <source>&amp;Search</source>
        <translation>搜索(&amp;S)</translation>
    </message>
    <message>
        <source>Pre&amp;vious page</source>
        <translation>上一页(&amp;V)</translation>
    </message>
    <message>
        <source>Show the newer orders that match</source>
        <translation>显示较新的匹配订单</translation>
    </message>
    <message>
        <source>&amp;Next page</source>
        <translation>下一页(&amp;N)</translation>
    </message>
    <message>
        <source>Show the next older orders that match</source>
        <translation>显示更早的匹配订单</translation>
    </message>
    <message>
        <source>&amp;Reprint</source>
        <translation>补打(&amp;R)</translation>
    </message>
    <message>
        <source>Print the stored label again, as a reprint</source>
        <translation>重新打印已保存的面单（记为补打）</translation>
    </message>
    <message>
        <source>Export &amp;PDF…</source>
        <translation>导出 PDF(&amp;P)…</translation>
    </message>
    <message>
        <source>Save the stored label as a PDF file</source>
        <translation>把已保存的面单存为 PDF 文件</translation>
    </message>
    <message>
        <source>Export &amp;CSV…</source>
        <translation>导出 CSV(&amp;C)…</translation>
    </message>
    <message>
        <source>Save the rows found as a CSV file</source>
        <translation>把查到的记录存为 CSV 文件</translation>
    </message>
    <message>
        <source>Print attempts of the selected order:</source>
        <translation>所选订单的打印记录：</translation>
    </message>
    <message>
        <source>No orders found.</source>
        <translation>没有找到订单。</translation>
    </message>
    <message>
        <source>1 order found.</source>
        <translation>找到 1 个订单。</translation>
    </message>
    <message>
        <source>{0} orders found.</source>
        <translation>找到 {0} 个订单。</translation>
    </message>
    <message>
        <source>{0} orders found; showing {1}–{2} (page {3} of {4}).</source>
        <translation>找到 {0} 个订单；显示第 {1}–{2} 个（第 {3} 页，共 {4} 页）。</translation>
    </message>
    <message>
        <source>The history could not be read: {0}</source>
        <translation>无法读取历史记录：{0}</translation>
    </message>
    <message>
        <source>Select an order first.</source>
        <translation>请先选择一个订单。</translation>
    </message>
    <message>
        <source>There is no stored label for {0}.</source>
        <translation>{0} 没有已保存的面单。</translation>
    </message>
    <message>
        <source>Export PDF files to</source>
        <translation>导出 PDF 文件到</translation>
    </message>
    <message>
        <source>An export is running already.</source>
        <translation>已有导出正在进行。</translation>
    </message>
    <message>
        <source>Exported to {0}.</source>
        <translation>已导出到 {0}。</translation>
    </message>
    <message>
        <source>Export failed: {0}</source>
        <translation>导出失败：{0}</translation>
    </message>
    <message>
        <source>Export history as CSV</source>
        <translation>将历史记录导出为 CSV</translation>
    </message>
    <message>
        <source>CSV files (*.csv)</source>
        <translation>CSV 文件 (*.csv)</translation>
    </message>
    <message numerus="yes">
        <source>%n row(s) written to {0}.</source>
        <translation>
            <numerusform>已将 %n 行写入 {0}。</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>JobFollow</name>
    <message>
        <source>Label {0} is stuck on {1}: {2}. Fix the printer; or open Stuck labels to cancel it, print it again or mark it printed.</source>
        <translation>面单 {0} 卡在 {1}：{2}。请修好打印机；或打开“卡住的面单”取消、重新打印或标记为已打印。</translation>
    </message>
    <message>
        <source>Stuck labels ({0})</source>
        <translation>卡住的面单（{0}）</translation>
    </message>
    <message>
        <source>checked by the packer</source>
        <translation>打包员已核实</translation>
    </message>
    <message>
        <source>cancelled by the packer and printed again on {0}</source>
        <translation>打包员已取消并在 {0} 上重新打印</translation>
    </message>
</context>
<context>
    <name>LabelPainter</name>
    <message>
        <source>the label could not be loaded</source>
        <translation>面单无法加载</translation>
    </message>
    <message>
        <source>the label could not be drawn</source>
        <translation>面单无法绘制</translation>
    </message>
    <message>
        <source>Print preview — {0}</source>
        <translation>打印预览 — {0}</translation>
    </message>
</context>
<context>
    <name>LabelPreview</name>
    <message>
        <source>Select an order to see its label.</source>
        <translation>选择一个订单即可查看面单。</translation>
    </message>
    <message>
        <source>CANCELLED — this waybill must not be printed or used</source>
        <translation>已取消 — 此面单不得打印或使用</translation>
    </message>
    <message>
        <source>This label cannot be shown: {0}</source>
        <translation>无法显示此面单：{0}</translation>
    </message>
    <message>
        <source>Not fetched yet — press Fetch (F5).</source>
        <translation>尚未获取 — 请按“获取面单”（F5）。</translation>
    </message>
    <message>
        <source>Fetching the waybill…</source>
        <translation>正在获取面单…</translation>
    </message>
    <message>
        <source>NOT VERIFIED — {0}</source>
        <translation>未通过校验 — {0}</translation>
    </message>
    <message>
        <source>No label for order {0}</source>
        <translation>订单 {0} 没有面单</translation>
    </message>
</context>
<context>
    <name>LedgerFeatures</name>
    <message>
        <source>&amp;History…</source>
        <translation>历史记录(&amp;H)…</translation>
    </message>
    <message>
        <source>Search past orders and prints, reprint or export stored labels</source>
        <translation>查询以往的订单和打印记录，补打或导出已保存的面单</translation>
    </message>
    <message>
        <source>Hi&amp;story</source>
        <translation>历史记录(&amp;S)</translation>
    </message>
</context>
<context>
    <name>LedgerPasswordRow</name>
    <message>
        <source>Stored in the system keyring, never in the settings file.</source>
        <translation>保存在系统密钥环中，绝不写入设置文件。</translation>
    </message>
    <message>
        <source>Ledger password</source>
        <translation>记录库密码</translation>
    </message>
    <message>
        <source>Enter the shared ledger&apos;s URL first, then its password.</source>
        <translation>请先填写共享打印记录库的地址，再填写密码。</translation>
    </message>
    <message>
        <source>The system keyring cannot be read: {0}</source>
        <translation>无法读取系统密钥环：{0}</translation>
    </message>
    <message>
        <source>saved — leave empty to keep it</source>
        <translation>已保存 — 留空则保持不变</translation>
    </message>
    <message>
        <source>Looking in the system keyring…</source>
        <translation>正在查看系统密钥环…</translation>
    </message>
    <message>
        <source>The password is saved in the system keyring.</source>
        <translation>密码已保存在系统密钥环中。</translation>
    </message>
    <message>
        <source>No password is saved for this ledger.</source>
        <translation>此记录库尚未保存密码。</translation>
    </message>
    <message>
        <source>A shared ledger URL is needed to save its password.</source>
        <translation>需要先填写共享打印记录库的地址才能保存密码。</translation>
    </message>
    <message>
        <source>Saving the password in the system keyring…</source>
        <translation>正在将密码保存到系统密钥环…</translation>
    </message>
    <message>
        <source>The password could not be saved in the system keyring: {0}</source>
        <translation>密码无法保存到系统密钥环：{0}</translation>
    </message>
</context>
<context>
    <name>LedgerPrintGuard</name>
    <message>
        <source>the label has no waybill id, so it is not printed; fetch the order again</source>
        <translation>面单没有运单号，未打印；请重新获取该订单</translation>
    </message>
    <message>
        <source>the warehouse ledger cannot be reached, so nothing was printed ({0}); print again when it answers</source>
        <translation>无法连接仓库台账，未打印任何面单（{0}）；待其恢复后再打印</translation>
    </message>
    <message>
        <source>the print history could not record it ({0}); check the disk</source>
        <translation>打印记录无法保存（{0}）；请检查磁盘</translation>
    </message>
    <message>
        <source>{0} was written to {1} already</source>
        <translation>{0} 已写入 {1}</translation>
    </message>
    <message>
        <source>{0} is being printed on {1} at station {2} (since {3})</source>
        <translation>{0} 正在工位 {2} 的 {1} 上打印（自 {3} 起）</translation>
    </message>
    <message>
        <source>{0} may have been printed on {1} at station {2} at {3} already (the outcome is unknown)</source>
        <translation>{0} 可能已于 {3} 在工位 {2} 的 {1} 上打印过（结果未知）</translation>
    </message>
    <message>
        <source>{0} was printed on {1} at station {2} at {3} already</source>
        <translation>{0} 已于 {3} 在工位 {2} 的 {1} 上打印过</translation>
    </message>
</context>
<context>
    <name>LedgerStartup</name>
    <message>
        <source>The ledger {0} cannot be used: {1}

Without it the program keeps no history, cannot finish what an earlier run left, and cannot stop a waybill from being printed twice across sessions.

Move it aside and start a new ledger (the old file is kept, renamed), or quit and ask for help.</source>
        <translation>打印记录库 {0} 无法使用：{1}

没有它，程序不保留历史记录，无法完成上次运行遗留的工作，也无法防止同一面单在不同会话中被重复打印。

请将其移到一旁并新建打印记录库（旧文件会改名保留），或退出并寻求帮助。</translation>
    </message>
    <message>
        <source>The ledger cannot be used</source>
        <translation>打印记录库无法使用</translation>
    </message>
    <message>
        <source>Move it aside and start a new ledger</source>
        <translation>移到一旁并新建打印记录库</translation>
    </message>
    <message>
        <source>Quit</source>
        <translation>退出</translation>
    </message>
    <message>
        <source>The unusable ledger was kept as {0}; a new one was started.</source>
        <translation>无法使用的打印记录库已保留为 {0}；已新建一个打印记录库。</translation>
    </message>
    <message>
        <source>The warehouse ledger {0} cannot be reached ({1}). Prints are checked against this station&apos;s own ledger only and written to the warehouse ledger when it is back (restart then).</source>
        <translation>无法连接仓库打印记录库 {0}（{1}）。目前仅按本工位自己的记录检查打印，恢复连接后（届时请重新启动）会写入仓库打印记录库。</translation>
    </message>
    <message>
        <source>While the warehouse ledger was away, these waybills were printed here and at another station too: {0}</source>
        <translation>仓库打印记录库断开期间，以下面单在本工位和另一工位都打印过：{0}</translation>
    </message>
</context>
<context>
    <name>LedgerWatch</name>
    <message>
        <source>The warehouse ledger does not answer ({0}). Printing asks what to do until it is back.</source>
        <translation>仓库台账没有响应（{0}）。在它恢复之前，打印时会询问如何处理。</translation>
    </message>
    <message>
        <source>The warehouse ledger answers again.</source>
        <translation>仓库台账已恢复响应。</translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <source>Waybill printer</source>
        <translation>面单打印</translation>
    </message>
    <message>
        <source>&amp;Orders</source>
        <translation>订单(&amp;O)</translation>
    </message>
    <message>
        <source>&amp;Help</source>
        <translation>帮助(&amp;H)</translation>
    </message>
    <message>
        <source>Ready.</source>
        <translation>就绪。</translation>
    </message>
    <message>
        <source>{0}: {1}</source>
        <translation>{0}：{1}</translation>
    </message>
    <message numerus="yes">
        <source>%n order(s)</source>
        <translation>
            <numerusform>共 %n 个订单</numerusform>
        </translation>
    </message>
    <message>
        <source>, </source>
        <translation>，</translation>
    </message>
    <message>
        <source>Select the rows to remove.</source>
        <translation>请选择要移除的行。</translation>
    </message>
    <message numerus="yes">
        <source>Removed %n order(s).</source>
        <translation>
            <numerusform>已移除 %n 个订单。</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Remove all %n order(s) from the list?</source>
        <translation>
            <numerusform>从列表中移除全部 %n 个订单？</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n of them are not printed.</source>
        <translation>
            <numerusform>其中 %n 个尚未打印。</numerusform>
        </translation>
    </message>
    <message>
        <source>Clear the list?</source>
        <translation>清空列表？</translation>
    </message>
    <message numerus="yes">
        <source>Cleared %n order(s).</source>
        <translation>
            <numerusform>已清空 %n 个订单。</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>OrderEntry</name>
    <message>
        <source>Refused “{0}”: {1}</source>
        <translation>已拒绝“{0}”：{1}</translation>
    </message>
    <message>
        <source>Already in the list: {0} ({1})</source>
        <translation>已在列表中：{0}（{1}）</translation>
    </message>
    <message>
        <source>Added {0} ({1})</source>
        <translation>已添加 {0}（{1}）</translation>
    </message>
    <message>
        <source>already in the list</source>
        <translation>已在列表中</translation>
    </message>
    <message numerus="yes">
        <source>Added %n order(s).</source>
        <translation>
            <numerusform>已添加 %n 个订单。</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n line(s) not added — see the list.</source>
        <translation>
            <numerusform>%n 行未添加 — 请查看列表。</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>OrderQueueModel</name>
    <message>
        <source>Order</source>
        <translation>订单号</translation>
    </message>
    <message>
        <source>Carrier</source>
        <translation>快递公司</translation>
    </message>
    <message>
        <source>Waybill</source>
        <translation>运单号</translation>
    </message>
    <message>
        <source>State</source>
        <translation>状态</translation>
    </message>
    <message>
        <source>Message</source>
        <translation>提示</translation>
    </message>
    <message>
        <source>Time</source>
        <translation>时间</translation>
    </message>
    <message>
        <source>queued</source>
        <translation>待获取</translation>
    </message>
    <message>
        <source>fetching…</source>
        <translation>获取中…</translation>
    </message>
    <message>
        <source>ready</source>
        <translation>待打印</translation>
    </message>
    <message>
        <source>CANCELLED</source>
        <translation>已取消</translation>
    </message>
    <message>
        <source>error</source>
        <translation>出错</translation>
    </message>
    <message>
        <source>printing…</source>
        <translation>打印中…</translation>
    </message>
    <message>
        <source>printed</source>
        <translation>已打印</translation>
    </message>
    <message>
        <source>NOT VERIFIED</source>
        <translation>未通过校验</translation>
    </message>
    <message>
        <source>fetch cancelled</source>
        <translation>已停止获取</translation>
    </message>
    <message>
        <source>Cancelled by the shop — do not print or ship</source>
        <translation>商家已取消 — 请勿打印或发货</translation>
    </message>
    <message>
        <source>the label is missing</source>
        <translation>缺少面单</translation>
    </message>
    <message>
        <source>sent to the printer</source>
        <translation>已发送到打印机</translation>
    </message>
    <message>
        <source>sent to {0}, waiting for the paper</source>
        <translation>已发送到 {0}，等待出纸</translation>
    </message>
    <message>
        <source>stuck: {0}</source>
        <translation>卡住：{0}</translation>
    </message>
    <message>
        <source>printed on {0}</source>
        <translation>已在 {0} 打印</translation>
    </message>
    <message>
        <source>not printed, label not verified: {0}</source>
        <translation>未打印，面单未通过校验：{0}</translation>
    </message>
    <message>
        <source>print failed: {0}</source>
        <translation>打印失败：{0}</translation>
    </message>
</context>
<context>
    <name>OrdersTable</name>
    <message>
        <source>Last activity</source>
        <translation>最近操作</translation>
    </message>
    <message>
        <source>Order</source>
        <translation>订单号</translation>
    </message>
    <message>
        <source>Carrier</source>
        <translation>快递公司</translation>
    </message>
    <message>
        <source>Waybill</source>
        <translation>运单号</translation>
    </message>
    <message>
        <source>State</source>
        <translation>状态</translation>
    </message>
    <message>
        <source>Printed</source>
        <translation>打印次数</translation>
    </message>
    <message>
        <source>Reprints</source>
        <translation>补打次数</translation>
    </message>
    <message>
        <source>Last printer</source>
        <translation>最近打印机</translation>
    </message>
    <message>
        <source>Station</source>
        <translation>工位</translation>
    </message>
    <message>
        <source>queued</source>
        <translation>排队中</translation>
    </message>
    <message>
        <source>fetching</source>
        <translation>获取中</translation>
    </message>
    <message>
        <source>fetched, not printed</source>
        <translation>已获取，未打印</translation>
    </message>
    <message>
        <source>printed</source>
        <translation>已打印</translation>
    </message>
    <message>
        <source>done</source>
        <translation>已完成</translation>
    </message>
    <message>
        <source>failed</source>
        <translation>失败</translation>
    </message>
    <message>
        <source>cancelled</source>
        <translation>已取消</translation>
    </message>
</context>
<context>
    <name>PasteListDialog</name>
    <message>
        <source>Paste a list of orders</source>
        <translation>粘贴订单列表</translation>
    </message>
    <message>
        <source>One order a line: order id, optionally followed by the carrier and the waybill id (separated by a comma, tab or spaces). Lines starting with # are ignored.</source>
        <translation>每行一个订单：订单号，后面可以跟快递公司编码和运单号（用逗号、制表符或空格分隔）。以 # 开头的行会被忽略。</translation>
    </message>
    <message>
        <source>Add to the list</source>
        <translation>添加到列表</translation>
    </message>
</context>
<context>
    <name>PrintCommands</name>
    <message>
        <source>Cancel printing</source>
        <translation>取消打印</translation>
    </message>
    <message>
        <source>Drop the labels still waiting to print</source>
        <translation>撤下仍在等待打印的面单</translation>
    </message>
    <message>
        <source>Print pre&amp;view…</source>
        <translation>打印预览(&amp;V)…</translation>
    </message>
    <message>
        <source>Show the selected label as it will print</source>
        <translation>按实际打印效果显示所选面单</translation>
    </message>
    <message>
        <source>&amp;Export PDF files…</source>
        <translation>导出 PDF 文件(&amp;E)…</translation>
    </message>
    <message>
        <source>Save the selected (or all ready) labels as one PDF file each</source>
        <translation>把所选（或全部待打印）面单各存为一个 PDF 文件</translation>
    </message>
    <message>
        <source>Export &amp;combined PDF…</source>
        <translation>导出合并 PDF(&amp;C)…</translation>
    </message>
    <message>
        <source>Save the selected (or all ready) labels as one PDF, a page per label</source>
        <translation>把所选（或全部待打印）面单存为一个 PDF，每页一张面单</translation>
    </message>
    <message>
        <source>Print o&amp;n scan</source>
        <translation>扫描即打印(&amp;N)</translation>
    </message>
    <message>
        <source>Print each label as soon as it is scanned</source>
        <translation>每扫描一个订单就立即打印其面单</translation>
    </message>
    <message>
        <source>Printing</source>
        <translation>打印</translation>
    </message>
    <message>
        <source>P&amp;rinting</source>
        <translation>打印(&amp;R)</translation>
    </message>
    <message>
        <source>Labels now print on {0}.</source>
        <translation>面单现在打印到 {0}。</translation>
    </message>
    <message>
        <source>Print on scan is on: each scan prints its label.</source>
        <translation>扫描即打印已开启：每次扫描都会打印面单。</translation>
    </message>
    <message>
        <source>Print on scan is off.</source>
        <translation>扫描即打印已关闭。</translation>
    </message>
    <message numerus="yes">
        <source>Cancelled %n label(s) that had not started printing.</source>
        <translation>
            <numerusform>已取消 %n 张尚未开始打印的面单。</numerusform>
        </translation>
    </message>
    <message>
        <source>Select a row with a label to preview.</source>
        <translation>请选择一个有面单的行进行预览。</translation>
    </message>
    <message>
        <source>No labels to export.</source>
        <translation>没有可导出的面单。</translation>
    </message>
    <message>
        <source>Export combined PDF</source>
        <translation>导出合并 PDF</translation>
    </message>
    <message>
        <source>PDF files (*.pdf)</source>
        <translation>PDF 文件 (*.pdf)</translation>
    </message>
    <message>
        <source>Export PDF files to</source>
        <translation>导出 PDF 文件到</translation>
    </message>
    <message numerus="yes">
        <source>Exporting %n label(s)…</source>
        <translation>
            <numerusform>正在导出 %n 张面单…</numerusform>
        </translation>
    </message>
    <message>
        <source>Export failed: {0}</source>
        <translation>导出失败：{0}</translation>
    </message>
    <message>
        <source>Nothing exported: {0} — {1}</source>
        <translation>未导出任何面单：{0} — {1}</translation>
    </message>
    <message numerus="yes">
        <source>Exported %n label(s) to {0}.</source>
        <translation>
            <numerusform>已导出 %n 张面单到 {0}。</numerusform>
        </translation>
    </message>
    <message>
        <source>Not exported: {0} — {1}</source>
        <translation>未导出：{0} — {1}</translation>
    </message>
</context>
<context>
    <name>PrintController</name>
    <message>
        <source>The list of printers is not known yet; try again.</source>
        <translation>尚未获取到打印机列表，请重试。</translation>
    </message>
    <message>
        <source>The printers could not be listed ({0}). Check that the print system (CUPS) is running, then try again.</source>
        <translation>无法获取打印机列表（{0}）。请检查打印系统（CUPS）是否在运行，然后重试。</translation>
    </message>
    <message numerus="yes">
        <source>%n label(s) were printed already: {0}.

Print again?</source>
        <translation>
            <numerusform>%n 张面单已经打印过：{0}。

要再次打印吗？</numerusform>
        </translation>
    </message>
    <message>
        <source>Print again?</source>
        <translation>再次打印？</translation>
    </message>
    <message>
        <source>it was printed already</source>
        <translation>已经打印过</translation>
    </message>
</context>
<context>
    <name>PrintOutcome</name>
    <message>
        <source>being sent</source>
        <translation>正在发送</translation>
    </message>
    <message>
        <source>sent, waiting for the printer</source>
        <translation>已发送，等待打印机</translation>
    </message>
    <message>
        <source>accepted by the printer</source>
        <translation>打印机已接收</translation>
    </message>
    <message>
        <source>printed</source>
        <translation>已打印</translation>
    </message>
    <message>
        <source>stuck in the printer</source>
        <translation>卡在打印机中</translation>
    </message>
    <message>
        <source>failed</source>
        <translation>失败</translation>
    </message>
    <message>
        <source>unknown, to be checked</source>
        <translation>结果未知，待核实</translation>
    </message>
    <message>
        <source>confirmed printed</source>
        <translation>已确认打印</translation>
    </message>
    <message>
        <source>confirmed not printed</source>
        <translation>已确认未打印</translation>
    </message>
</context>
<context>
    <name>PrintProgress</name>
    <message>
        <source>%v of %m labels printed</source>
        <translation>已打印 %v / %m 张面单</translation>
    </message>
    <message>
        <source>{0} left</source>
        <translation>剩余{0}</translation>
    </message>
    <message numerus="yes">
        <source>about %n min</source>
        <translation>
            <numerusform>约 %n 分钟</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>about %n s</source>
        <translation>
            <numerusform>约 %n 秒</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Print %n label(s)? At the printer this takes {0}.</source>
        <translation>
            <numerusform>打印 %n 张面单？打印机需要{0}。</numerusform>
        </translation>
    </message>
    <message>
        <source>Print many labels?</source>
        <translation>打印大量面单？</translation>
    </message>
</context>
<context>
    <name>PrintReport</name>
    <message>
        <source>Not printed: {0} — {1}</source>
        <translation>未打印：{0} — {1}</translation>
    </message>
    <message numerus="yes">
        <source>(and %n more)</source>
        <translation>
            <numerusform>（另有 %n 个）</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Printing %n label(s).</source>
        <translation>
            <numerusform>正在打印 %n 张面单。</numerusform>
        </translation>
    </message>
    <message>
        <source>Nothing printed.</source>
        <translation>没有打印任何面单。</translation>
    </message>
    <message numerus="yes">
        <source>Printing %n label(s) on {0}.</source>
        <translation>
            <numerusform>正在 {0} 上打印 %n 张面单。</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n cancelled waybill(s) not printed.</source>
        <translation>
            <numerusform>%n 张已取消的面单未打印。</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n printed before, not printed again.</source>
        <translation>
            <numerusform>%n 张之前已打印，未重复打印。</numerusform>
        </translation>
    </message>
    <message>
        <source>the waybill was cancelled — it must not be printed or used</source>
        <translation>该面单已取消 — 不得打印或使用</translation>
    </message>
    <message>
        <source>there is no printable label</source>
        <translation>没有可打印的面单</translation>
    </message>
    <message>
        <source>it is already being printed</source>
        <translation>正在打印中</translation>
    </message>
    <message>
        <source>it was printed already</source>
        <translation>已经打印过</translation>
    </message>
    <message>
        <source>it has no label — its message says what to do</source>
        <translation>没有面单——请按该行的提示处理</translation>
    </message>
    <message>
        <source>it has not been fetched yet — press Fetch first</source>
        <translation>尚未获取 — 请先按“获取面单”</translation>
    </message>
    <message>
        <source>its label is not verified: {0}</source>
        <translation>面单未通过校验：{0}</translation>
    </message>
    <message>
        <source>label not verified: {0}</source>
        <translation>面单未通过校验：{0}</translation>
    </message>
</context>
<context>
    <name>PrintTarget</name>
    <message>
        <source>No printer is set up. Choose the label printer in Settings.</source>
        <translation>尚未设置打印机。请在“设置”中选择面单打印机。</translation>
    </message>
    <message>
        <source>none</source>
        <translation>无</translation>
    </message>
    <message>
        <source>The printer “{0}” is not available (available: {1}). Check that it is switched on, or choose another one in Settings.</source>
        <translation>打印机“{0}”不可用（可用的有：{1}）。请检查它是否已开机，或在“设置”中选择其他打印机。</translation>
    </message>
</context>
<context>
    <name>PrinterPicker</name>
    <message>
        <source>Refresh</source>
        <translation>刷新</translation>
    </message>
    <message>
        <source>Look for printers again</source>
        <translation>重新查找打印机</translation>
    </message>
    <message>
        <source>Printer:</source>
        <translation>打印机：</translation>
    </message>
    <message>
        <source>PDF files ({0})</source>
        <translation>PDF 文件（{0}）</translation>
    </message>
    <message>
        <source>System default</source>
        <translation>系统默认</translation>
    </message>
    <message>
        <source>System default ({0})</source>
        <translation>系统默认（{0}）</translation>
    </message>
    <message>
        <source>System default (none set up)</source>
        <translation>系统默认（未设置）</translation>
    </message>
    <message>
        <source>{0} (not available)</source>
        <translation>{0}（不可用）</translation>
    </message>
</context>
<context>
    <name>PrinterState</name>
    <message>
        <source>Printer {0} cannot print: {1}</source>
        <translation>打印机 {0} 无法打印：{1}</translation>
    </message>
    <message>
        <source>Printer {0} is ready again: printing the held labels.</source>
        <translation>打印机 {0} 已恢复：正在打印暂存的面单。</translation>
    </message>
    <message>
        <source>Printer {0} is ready again.</source>
        <translation>打印机 {0} 已恢复。</translation>
    </message>
</context>
<context>
    <name>PrinterStateLabel</name>
    <message>
        <source>printing</source>
        <translation>正在打印</translation>
    </message>
    <message>
        <source>ready</source>
        <translation>就绪</translation>
    </message>
    <message>
        <source>Printer {0}: {1}</source>
        <translation>打印机 {0}：{1}</translation>
    </message>
    <message>
        <source>{0} — {1}</source>
        <translation>{0} — {1}</translation>
    </message>
    <message>
        <source>not found in the print system</source>
        <translation>打印系统中找不到该打印机</translation>
    </message>
    <message>
        <source>paused by an administrator</source>
        <translation>已被管理员暂停</translation>
    </message>
    <message>
        <source>stopped</source>
        <translation>已停止</translation>
    </message>
    <message>
        <source>not accepting jobs</source>
        <translation>不接受打印任务</translation>
    </message>
    <message>
        <source>out of labels</source>
        <translation>面单纸用完</translation>
    </message>
    <message>
        <source>needs labels</source>
        <translation>需要装面单纸</translation>
    </message>
    <message>
        <source>labels jammed</source>
        <translation>面单纸卡纸</translation>
    </message>
    <message>
        <source>offline</source>
        <translation>离线</translation>
    </message>
    <message>
        <source>door open</source>
        <translation>舱门打开</translation>
    </message>
    <message>
        <source>cover open</source>
        <translation>机盖打开</translation>
    </message>
    <message>
        <source>choose another printer in Settings</source>
        <translation>请在设置中选择其他打印机</translation>
    </message>
    <message>
        <source>load labels, then Resume</source>
        <translation>装好面单纸，然后点“恢复”</translation>
    </message>
    <message>
        <source>clear the jam, then Resume</source>
        <translation>清除卡纸，然后点“恢复”</translation>
    </message>
    <message>
        <source>close the cover, then Resume</source>
        <translation>合上机盖，然后点“恢复”</translation>
    </message>
    <message>
        <source>check the printer&apos;s power and cable, then Resume</source>
        <translation>检查打印机电源和数据线，然后点“恢复”</translation>
    </message>
    <message>
        <source>fix the printer, then Resume</source>
        <translation>排除打印机故障，然后点“恢复”</translation>
    </message>
</context>
<context>
    <name>QueuePrinting</name>
    <message>
        <source>Select the rows to print, or use Print all ready.</source>
        <translation>请选择要打印的行，或使用“全部打印”。</translation>
    </message>
    <message>
        <source>No ready labels to print.</source>
        <translation>没有待打印的面单。</translation>
    </message>
    <message>
        <source>Nothing printed.</source>
        <translation>没有打印任何面单。</translation>
    </message>
    <message>
        <source>Printing {0} failed: {1}</source>
        <translation>打印 {0} 失败：{1}</translation>
    </message>
    <message numerus="yes">
        <source>Printing done; %n ready label(s) not printed yet.</source>
        <translation>
            <numerusform>打印结束；还有 %n 张待打印的面单未打印。</numerusform>
        </translation>
    </message>
    <message>
        <source>All labels printed. Last file: {0}</source>
        <translation>全部面单已打印。最后一个文件：{0}</translation>
    </message>
    <message>
        <source>All labels printed.</source>
        <translation>全部面单已打印。</translation>
    </message>
</context>
<context>
    <name>RecoveryDialog</name>
    <message>
        <source>Work left unfinished by the last run is back:</source>
        <translation>上次运行未完成的工作已恢复：</translation>
    </message>
    <message numerus="yes">
        <source>%n order(s) to fetch,</source>
        <translation>
            <numerusform>%n 个订单待获取，</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n label(s) ready to print,</source>
        <translation>
            <numerusform>%n 张面单待打印，</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n print(s) with an unknown outcome: check the printer and answer.</source>
        <translation>
            <numerusform>%n 次打印结果未知：请检查打印机并确认。</numerusform>
        </translation>
    </message>
    <message>
        <source>Prints with an unknown outcome</source>
        <translation>打印结果未知</translation>
    </message>
    <message>
        <source>The program ended while these labels were being printed, so nobody knows whether they came out. They are not printed again automatically. Check the printer (and the parcels), then say for each one whether its label came out.</source>
        <translation>程序在打印这些面单时意外结束，无法确定它们是否已打出。这些面单不会自动重新打印。请检查打印机（和包裹），然后逐一确认每张面单是否已打出。</translation>
    </message>
    <message>
        <source>Waybill</source>
        <translation>运单号</translation>
    </message>
    <message>
        <source>Printer</source>
        <translation>打印机</translation>
    </message>
    <message>
        <source>Started</source>
        <translation>开始时间</translation>
    </message>
    <message>
        <source>Answer</source>
        <translation>确认结果</translation>
    </message>
    <message>
        <source>The label came out</source>
        <translation>面单已打出</translation>
    </message>
    <message>
        <source>It did not come out</source>
        <translation>面单未打出</translation>
    </message>
    <message>
        <source>saving…</source>
        <translation>保存中…</translation>
    </message>
    <message>
        <source>came out</source>
        <translation>已打出</translation>
    </message>
    <message>
        <source>not printed</source>
        <translation>未打印</translation>
    </message>
</context>
<context>
    <name>RejectionsPanel</name>
    <message>
        <source>Dismiss</source>
        <translation>关闭</translation>
    </message>
    <message>
        <source>Line</source>
        <translation>行号</translation>
    </message>
    <message>
        <source>Text</source>
        <translation>内容</translation>
    </message>
    <message>
        <source>Reason</source>
        <translation>原因</translation>
    </message>
    <message numerus="yes">
        <source>%n line(s) not added:</source>
        <translation>
            <numerusform>%n 行未添加：</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>ScanBar</name>
    <message>
        <source>Scan or type an order id, then press Enter</source>
        <translation>扫描或输入订单号，然后按回车</translation>
    </message>
    <message>
        <source>S&amp;can:</source>
        <translation>扫描(&amp;C)：</translation>
    </message>
    <message>
        <source>Ready to scan.</source>
        <translation>可以扫描了。</translation>
    </message>
</context>
<context>
    <name>ScanToPrint</name>
    <message>
        <source>{0}: not printed, its label is not verified ({1}). Select it and press Print to look at it.</source>
        <translation>{0}：未打印，面单未通过校验（{1}）。请选中该行并按“打印”查看。</translation>
    </message>
    <message numerus="yes">
        <source>Not printed yet — {0}. %n label(s) held; they print in scan order once the printer is ready.</source>
        <translation>
            <numerusform>尚未打印 — {0}。已暂存 %n 张面单；打印机就绪后按扫描顺序打印。</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>SettingEditors</name>
    <message>
        <source> s</source>
        <translation> 秒</translation>
    </message>
    <message>
        <source> d</source>
        <translation> 天</translation>
    </message>
    <message>
        <source> mm</source>
        <translation> 毫米</translation>
    </message>
</context>
<context>
    <name>SettingsDialog</name>
    <message>
        <source>Settings</source>
        <translation>设置</translation>
    </message>
    <message>
        <source>Account</source>
        <translation>账号</translation>
    </message>
    <message>
        <source>Printing</source>
        <translation>打印</translation>
    </message>
    <message>
        <source>Station</source>
        <translation>工作台</translation>
    </message>
    <message>
        <source>Advanced</source>
        <translation>高级</translation>
    </message>
    <message>
        <source>Enter the AppID, then its AppSecret.</source>
        <translation>请先填写 AppID，再填写其 AppSecret。</translation>
    </message>
    <message>
        <source>Looking in the system keyring…</source>
        <translation>正在查看系统密钥环…</translation>
    </message>
    <message>
        <source>Forgetting the AppSecret…</source>
        <translation>正在清除 AppSecret…</translation>
    </message>
    <message>
        <source>kept for this session only</source>
        <translation>仅在本次运行期间保留</translation>
    </message>
    <message>
        <source>The AppSecret is kept for this session only.</source>
        <translation>AppSecret 仅在本次运行期间保留。</translation>
    </message>
    <message>
        <source>saved — leave empty to keep it</source>
        <translation>已保存 — 留空则保持不变</translation>
    </message>
    <message>
        <source>The AppSecret is saved in the system keyring ({0}).</source>
        <translation>AppSecret 已保存在系统密钥环中（{0}）。</translation>
    </message>
    <message>
        <source>No AppSecret is saved for this AppID.</source>
        <translation>此 AppID 尚未保存 AppSecret。</translation>
    </message>
    <message>
        <source>The system keyring cannot be read: {0}</source>
        <translation>无法读取系统密钥环：{0}</translation>
    </message>
    <message>
        <source>An AppID is needed to save the AppSecret.</source>
        <translation>需要先填写 AppID 才能保存 AppSecret。</translation>
    </message>
    <message>
        <source>{0}

Keep the AppSecret for this session only?</source>
        <translation>{0}

仅在本次运行期间保留 AppSecret 吗？</translation>
    </message>
    <message>
        <source>System keyring unavailable</source>
        <translation>系统密钥环不可用</translation>
    </message>
    <message>
        <source>The AppSecret was not saved. {0}</source>
        <translation>AppSecret 未保存。{0}</translation>
    </message>
    <message>
        <source>The AppSecret was forgotten.</source>
        <translation>AppSecret 已清除。</translation>
    </message>
</context>
<context>
    <name>ShortcutsDialog</name>
    <message>
        <source>Keyboard shortcuts</source>
        <translation>键盘快捷键</translation>
    </message>
    <message>
        <source>Command</source>
        <translation>命令</translation>
    </message>
    <message>
        <source>Keys</source>
        <translation>按键</translation>
    </message>
    <message>
        <source>What it does</source>
        <translation>作用</translation>
    </message>
</context>
<context>
    <name>StationPanel</name>
    <message>
        <source>DEMO — sandbox, nothing is sent to WeChat</source>
        <translation>演示模式 — 使用模拟接口，不会向微信发送任何数据</translation>
    </message>
    <message>
        <source>Default carrier:</source>
        <translation>默认快递公司：</translation>
    </message>
    <message>
        <source>%v of %m orders answered</source>
        <translation>已返回 %v / %m 个订单</translation>
    </message>
</context>
<context>
    <name>StuckLabelsDialog</name>
    <message>
        <source>Stuck labels</source>
        <translation>卡住的面单</translation>
    </message>
    <message>
        <source>These labels were sent but have not come out. Fix the printer and they print by themselves; or decide for each one:</source>
        <translation>这些面单已发送但尚未打印出来。修好打印机后会自动打印；或逐个决定如何处理：</translation>
    </message>
    <message>
        <source>Cancel the job</source>
        <translation>取消任务</translation>
    </message>
    <message>
        <source>It came out: mark printed</source>
        <translation>已打印出来：标记为已打印</translation>
    </message>
    <message>
        <source>Print again on:</source>
        <translation>重新打印到：</translation>
    </message>
    <message>
        <source>{0} on {1} (job {2}): {3}</source>
        <translation>{0} 在 {1}（任务 {2}）：{3}</translation>
    </message>
</context>
<context>
    <name>UnverifiedDialog</name>
    <message>
        <source>Label {0} is not verified</source>
        <translation>面单 {0} 未通过校验</translation>
    </message>
    <message>
        <source>This label did not pass the check before printing: {0}.
A carrier&apos;s scanner may not read it. Print it only if you are sure.</source>
        <translation>面单在打印前未通过校验：{0}。
快递员的扫描枪可能无法识别。只有确认无误时才打印。</translation>
    </message>
    <message>
        <source>Print anyway</source>
        <translation>仍然打印</translation>
    </message>
    <message>
        <source>Don&apos;t print</source>
        <translation>不打印</translation>
    </message>
</context>
<context>
    <name>WindowActions</name>
    <message>
        <source>&amp;Fetch</source>
        <translation>获取面单(&amp;F)</translation>
    </message>
    <message>
        <source>Fetch the waybills of queued orders</source>
        <translation>获取列表中订单的面单</translation>
    </message>
    <message>
        <source>&amp;Print</source>
        <translation>打印(&amp;P)</translation>
    </message>
    <message>
        <source>Print the selected ready labels</source>
        <translation>打印所选的待打印面单</translation>
    </message>
    <message>
        <source>Print &amp;all ready</source>
        <translation>全部打印(&amp;A)</translation>
    </message>
    <message>
        <source>Print every ready label</source>
        <translation>打印所有待打印的面单</translation>
    </message>
    <message>
        <source>&amp;Remove</source>
        <translation>移除(&amp;R)</translation>
    </message>
    <message>
        <source>Remove the selected orders from the list</source>
        <translation>从列表中移除所选订单</translation>
    </message>
    <message>
        <source>&amp;Clear</source>
        <translation>清空(&amp;C)</translation>
    </message>
    <message>
        <source>Remove all orders from the list</source>
        <translation>移除列表中的全部订单</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <source>Stop the running fetch</source>
        <translation>停止正在进行的获取</translation>
    </message>
    <message>
        <source>Paste &amp;list…</source>
        <translation>粘贴列表(&amp;L)…</translation>
    </message>
    <message>
        <source>Paste or type many order ids at once</source>
        <translation>一次粘贴或输入多个订单号</translation>
    </message>
    <message>
        <source>Paste from clipboard</source>
        <translation>从剪贴板粘贴</translation>
    </message>
    <message>
        <source>Add the order ids on the clipboard</source>
        <translation>添加剪贴板中的订单号</translation>
    </message>
    <message>
        <source>Load &amp;sample orders</source>
        <translation>载入示例订单(&amp;S)</translation>
    </message>
    <message>
        <source>Add the demo&apos;s sample orders</source>
        <translation>添加演示用的示例订单</translation>
    </message>
    <message>
        <source>&amp;Settings…</source>
        <translation>设置(&amp;S)…</translation>
    </message>
    <message>
        <source>Account, printer and station settings</source>
        <translation>账号、打印机和工作台设置</translation>
    </message>
    <message>
        <source>&amp;Open…</source>
        <translation>打开(&amp;O)…</translation>
    </message>
    <message>
        <source>Add the orders in a CSV or text file</source>
        <translation>添加 CSV 或文本文件中的订单</translation>
    </message>
    <message>
        <source>&amp;Keyboard shortcuts</source>
        <translation>键盘快捷键(&amp;K)</translation>
    </message>
    <message>
        <source>List every command and its keys</source>
        <translation>列出所有命令及其快捷键</translation>
    </message>
    <message>
        <source>&amp;Quit</source>
        <translation>退出(&amp;Q)</translation>
    </message>
    <message>
        <source>Close the program</source>
        <translation>关闭程序</translation>
    </message>
</context>
<context>
    <name>run_gui</name>
    <message>
        <source>Waybill printer</source>
        <extracomment>What &quot;Load sample orders&quot; adds in the demo: every kind of answer the sandbox gives.</extracomment>
        <translation>面单打印</translation>
    </message>
    <message>
        <source>Demo: labels are written as PDF files to {0}</source>
        <translation>演示：面单以 PDF 文件写入 {0}</translation>
    </message>
</context>
</TS>
