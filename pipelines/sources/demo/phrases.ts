/**
 * Topic-free phrases: greetings, filler, sentiment lines and survey comment frames. None may
 * hold a topic keyword (checked by test/demo/topics.test.ts).
 */

export const GREETINGS_IN = [
  "Thanks for calling {biz}, this is {agent}. How can I help you today?",
  "{biz}, {agent} speaking. What can I do for you?",
  "Hi, you've reached {biz}, my name is {agent}. How can I help?",
  "Good {partofday}, {biz}, this is {agent}.",
];
export const GREETINGS_OUT = [
  "Hi {first}, this is {agent} from {biz}, returning your call.",
  "Hello {first}, it's {agent} with {biz} following up.",
];
export const VERIFY = [
  "Sure, can I get your name and the phone number on the account?",
  "Happy to help. Who am I speaking with?",
  "Of course. Can you confirm the name on the account?",
];
export const IDENTIFY = ["It's {first} {last}.", "This is {first} {last}.", "{first} {last}, same number I'm calling from."];
export const AGENT_FILLER = ["Let me pull that up.", "Okay, one moment while I check.", "Thanks, I see your account here.", "Got it, thanks for your patience."];
export const CUSTOMER_ACK = ["Okay.", "Alright, that makes sense.", "Sounds good.", "Okay, thank you."];
export const CLOSINGS = ["Is there anything else I can help you with today?", "Thanks for calling, have a great day.", "You're all set. Take care!"];
export const TRANSFER_OUT = ["Let me transfer you to our {team} team, one moment.", "{team} can help with that, I'll transfer you now."];
export const TRANSFER_IN = ["Hi, this is {agent} in {team}. I see you were just transferred.", "{team}, {agent} here. How can I help?"];
export const SEND_BACK = ["This one needs to go back to {team}, I'll send you over.", "Sorry, {team} handles that part, transferring you back."];

export const NEGATIVE_LINES = [
  "Honestly I'm really frustrated.",
  "This is terrible, it's still not fixed.",
  "This is the third time I've called and it's still not fixed.",
  "That's unacceptable, I've been waiting all week.",
  "I'm very unhappy with how this has been handled.",
  "What a waste of time, I'm so frustrated.",
];
export const POSITIVE_LINES = [
  "Thanks so much, that was a great help!",
  "Perfect, I really appreciate it.",
  "You've been a great help, thank you.",
  "That's wonderful, thanks so much.",
  "Super helpful, thanks so much.",
];
export const NEGATIVE_TEXT_TAILS = [" Really frustrated.", " This is terrible.", " Still not fixed!!", " Very unhappy about this."];
export const POSITIVE_TEXT_TAILS = [" Thanks so much!", " Great help, thank you!", " Really appreciate it."];

export const SUMMARY_NEGATIVE = [
  "The customer sounded frustrated and said the issue is still not fixed.",
  "The customer called the experience terrible.",
];
export const SUMMARY_POSITIVE = ["The customer thanked the agent for the great help.", "The customer said the agent was super helpful."];
export const SUMMARY_TRANSFER = "The call was transferred to {team}.";
export const SUMMARY_LOOP = "The call was transferred to {team2} and then back to {team1}.";

/** Survey comment frames; {frag} names the topic. */
export const COMMENT_NEGATIVE = [
  "Terrible experience with {frag}. Still not fixed.",
  "Very frustrated about {frag}, had to reach out three times.",
  "Nobody followed up on {frag}. Unacceptable.",
];
export const COMMENT_NEUTRAL = ["It was fine, {frag} got handled.", "Took a while but {frag} got sorted.", "Okay help with {frag}."];
export const COMMENT_POSITIVE = [
  "Great help with {frag}, thanks so much!",
  "Quick and friendly, {frag} was sorted in minutes.",
  "Thanks so much for the help with {frag}.",
];

/** Outgoing text after a missed call or voicemail; {frag} names the topic. */
export const MISSED_FOLLOWUPS = [
  "Hi {first}, this is {agent} from {biz}. Sorry we missed your call about {frag}. Reply here or call us back anytime.",
  "Hi {first}, we got your voicemail about {frag}. {agent} will call you back shortly.",
];

/** PII sentence frames planted into customer text. */
export const PII_FRAMES = {
  phone: ["You can reach me at {value} if we get cut off.", "My other number is {value}.", "Call me back at {value}."],
  email: ["My email is {value}.", "Send it to {value} please.", "You can email me at {value}."],
  card: ["The card number is {value}.", "Use my card {value}.", "Card on file should be {value}."],
} as const;

export const WEEKDAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday"];
export const WINDOWS = ["8 and 10 am", "10 am and noon", "noon and 2 pm", "1 and 3 pm", "3 and 5 pm"];
