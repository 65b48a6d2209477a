import Foundation
import SelfHealCommands

// The executable only hands the command line to SelfHealCommands.
exit(await SelfHealCommand.runMain())
