// First in the panel's script: marks when it started running (the bench measures VS Code's webview start up to
// here, and what the panel does after it). No other effect.
performance.mark('securityCopilot:panelStart');
